// An incremental parser of the text/event-stream format (WHATWG HTML
// "server-sent events"), fed from fetch() so we can POST and send our own
// Last-Event-ID — which EventSource cannot.

export interface SSEMessage {
  /** The last event ID in force when this event was dispatched ('' if none). */
  id: string;
  /** The event type; 'message' when the stream named none. */
  event: string;
  data: string;
  retry?: number;
}

export class SSEParser {
  private buffer = '';
  private data: string[] = [];
  private eventType = '';
  private lastEventId = '';
  private retry: number | undefined;
  // A chunk may end between the \r and \n of a CRLF pair.
  private skipLeadingLF = false;

  /** Feeds decoded text; returns the events completed by it. */
  feed(text: string): SSEMessage[] {
    if (this.skipLeadingLF && text.startsWith('\n')) text = text.slice(1);
    this.skipLeadingLF = false;
    this.buffer += text;
    const out: SSEMessage[] = [];
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer[i];
      if (c !== '\n' && c !== '\r') continue;
      const line = this.buffer.slice(start, i);
      if (c === '\r') {
        if (i + 1 < this.buffer.length) {
          if (this.buffer[i + 1] === '\n') i++;
        } else {
          this.skipLeadingLF = true;
        }
      }
      start = i + 1;
      const ev = this.line(line);
      if (ev) out.push(ev);
    }
    this.buffer = this.buffer.slice(start);
    return out;
  }

  /** The stream ended: an event without its closing blank line is discarded (per spec). */
  end(): void {
    this.buffer = '';
    this.data = [];
    this.eventType = '';
  }

  get lastId(): string {
    return this.lastEventId;
  }

  private line(line: string): SSEMessage | null {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return null; // comment / keep-alive
    const colon = line.indexOf(':');
    let field = line;
    let value = '';
    if (colon >= 0) {
      field = line.slice(0, colon);
      value = line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
    }
    switch (field) {
      case 'event':
        this.eventType = value;
        break;
      case 'data':
        this.data.push(value);
        break;
      case 'id':
        if (!value.includes('\0')) this.lastEventId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retry = Number(value);
        break;
      default:
        break; // unknown fields are ignored
    }
    return null;
  }

  private dispatch(): SSEMessage | null {
    const type = this.eventType || 'message';
    this.eventType = '';
    if (this.data.length === 0) return null;
    const msg: SSEMessage = { id: this.lastEventId, event: type, data: this.data.join('\n') };
    if (this.retry !== undefined) msg.retry = this.retry;
    this.data = [];
    return msg;
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
