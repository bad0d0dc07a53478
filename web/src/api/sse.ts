// Reading text/event-stream (WHATWG HTML "server-sent events") from fetch()
// so we can POST and send our own Last-Event-ID, which EventSource cannot.
// The parsing itself is eventsource-parser's.
import { createParser } from 'eventsource-parser';

export interface SSEMessage {
  /** The last event ID in force when this event was dispatched ('' if none). */
  id: string;
  /** The event type; 'message' when the stream named none. */
  event: string;
  data: string;
  retry?: number;
}

/**
 * Parses text fed in pieces of any size. eventsource-parser reports each
 * event with only its own block's id; the spec's "last event ID" (and the
 * retry) stay in force for later events, which this keeps.
 */
export class SSEParser {
  private lastEventId = '';
  private retry: number | undefined;
  private completed: SSEMessage[] = [];
  private readonly parser = createParser({
    onId: (id) => {
      this.lastEventId = id;
    },
    onRetry: (ms) => {
      this.retry = ms;
    },
    onEvent: (ev) => {
      const msg: SSEMessage = { id: this.lastEventId, event: ev.event ?? 'message', data: ev.data };
      if (this.retry !== undefined) msg.retry = this.retry;
      this.completed.push(msg);
    },
  });

  /** Feeds decoded text; returns the events completed by it. */
  feed(text: string): SSEMessage[] {
    this.parser.feed(text);
    const out = this.completed;
    this.completed = [];
    return out;
  }

  /** The stream ended: an event without its closing blank line is discarded (per spec). */
  end(): void {
    this.parser.reset();
  }
}

/** Reads an SSE body to its end, yielding each event as it completes. */
export async function* readSSE(body: ReadableStream<Uint8Array>): AsyncGenerator<SSEMessage> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = new SSEParser();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      for (const ev of parser.feed(decoder.decode(value, { stream: true }))) yield ev;
    }
    const tail = decoder.decode();
    if (tail) for (const ev of parser.feed(tail)) yield ev;
    parser.end();
  } finally {
    reader.releaseLock();
  }
}
