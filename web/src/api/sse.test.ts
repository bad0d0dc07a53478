import { describe, expect, it } from 'vitest';
import { readSSE, SSEParser, type SSEMessage } from './sse';

function parseChunks(chunks: string[]): SSEMessage[] {
  const p = new SSEParser();
  return chunks.flatMap((c) => p.feed(c));
}

describe('SSEParser', () => {
  const cases: { name: string; chunks: string[]; want: Partial<SSEMessage>[] }[] = [
    {
      name: 'one event with id, type and data',
      chunks: ['id: 7\nevent: delta\ndata: {"text":"hi"}\n\n'],
      want: [{ id: '7', event: 'delta', data: '{"text":"hi"}' }],
    },
    {
      name: 'default type is message',
      chunks: ['data: x\n\n'],
      want: [{ id: '', event: 'message', data: 'x' }],
    },
    {
      name: 'multi-line data joined with newlines',
      chunks: ['data: a\ndata: b\ndata:c\n\n'],
      want: [{ data: 'a\nb\nc' }],
    },
    {
      name: 'split at arbitrary points',
      chunks: ['id: 1\nev', 'ent: delta\nda', 'ta: {"te', 'xt":"x"}\n', '\n'],
      want: [{ id: '1', event: 'delta', data: '{"text":"x"}' }],
    },
    {
      name: 'CRLF line endings, split between CR and LF',
      chunks: ['id: 2\r\nevent: done\r', '\ndata: {}\r\n\r', '\n'],
      want: [{ id: '2', event: 'done', data: '{}' }],
    },
    {
      name: 'lone CR line endings',
      chunks: ['event: a\rdata: 1\r\r'],
      want: [{ event: 'a', data: '1' }],
    },
    {
      name: 'comments and keep-alives are ignored',
      chunks: [': ping\n\n', ':\n', 'data: y\n\n'],
      want: [{ data: 'y' }],
    },
    {
      name: 'an event without data is not dispatched and its type does not leak',
      chunks: ['event: lonely\n\n', 'data: z\n\n'],
      want: [{ event: 'message', data: 'z' }],
    },
    {
      name: 'the last event id carries over to later events',
      chunks: ['id: 5\ndata: a\n\ndata: b\n\n'],
      want: [
        { id: '5', data: 'a' },
        { id: '5', data: 'b' },
      ],
    },
    {
      name: 'an id containing NUL is ignored',
      chunks: ['id: 1\ndata: a\n\nid: 2\u00003\ndata: b\n\n'],
      want: [
        { id: '1', data: 'a' },
        { id: '1', data: 'b' },
      ],
    },
    {
      name: 'retry is parsed, junk retry ignored',
      chunks: ['retry: 1500\ndata: a\n\nretry: soon\ndata: b\n\n'],
      want: [
        { data: 'a', retry: 1500 },
        { data: 'b', retry: 1500 },
      ],
    },
    {
      name: 'a field without colon and unknown fields',
      chunks: ['data\nfoo: bar\n\n'],
      want: [{ data: '' }],
    },
    {
      name: 'an empty id resets the last event id',
      chunks: ['id: 5\ndata: a\n\nid\ndata: b\n\n'],
      want: [
        { id: '5', data: 'a' },
        { id: '', data: 'b' },
      ],
    },
    {
      name: 'an id in a block without data still counts for later events',
      chunks: ['id: 9\n\ndata: a\n\n'],
      want: [{ id: '9', data: 'a' }],
    },
    {
      name: 'a comment split across chunks is skipped to its line end',
      chunks: [': keep', '-alive\ndata: k\n', '\n'],
      want: [{ data: 'k' }],
    },
    {
      name: 'a leading byte order mark is dropped',
      chunks: ['\uFEFFdata: bom\n\n'],
      want: [{ data: 'bom' }],
    },
    {
      name: 'only the first space after the colon is stripped',
      chunks: ['data:  two spaces\n\n'],
      want: [{ data: ' two spaces' }],
    },
  ];
  for (const tc of cases) {
    it(tc.name, () => {
      const got = parseChunks(tc.chunks);
      expect(got).toHaveLength(tc.want.length);
      tc.want.forEach((w, i) => expect(got[i]).toMatchObject(w));
    });
  }

  it('gives the same events whatever the chunk boundaries (one character at a time)', () => {
    const stream =
      ': hello\r\nretry: 250\nid: 1\nevent: delta\ndata: {"text":"a"}\n\n' +
      'id: 2\r\nevent: artifact_delta\r\ndata: line one\r\ndata: line two\r\n\r\n' +
      'data: no id of its own\r\rid: 3\nevent: done\ndata: {}\n\n';
    const whole = parseChunks([stream]);
    expect(whole).toEqual([
      { id: '1', event: 'delta', data: '{"text":"a"}', retry: 250 },
      { id: '2', event: 'artifact_delta', data: 'line one\nline two', retry: 250 },
      { id: '2', event: 'message', data: 'no id of its own', retry: 250 },
      { id: '3', event: 'done', data: '{}', retry: 250 },
    ]);
    expect(parseChunks([...stream])).toEqual(whole);
  });

  it('keeps an unfinished event pending until its blank line', () => {
    const p = new SSEParser();
    expect(p.feed('data: partial\n')).toEqual([]);
    expect(p.feed('\n')).toEqual([{ id: '', event: 'message', data: 'partial' }]);
  });
});

describe('readSSE', () => {
  function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
    return new ReadableStream({
      start(c) {
        chunks.forEach((ch) => c.enqueue(ch));
        c.close();
      },
    });
  }

  it('decodes UTF-8 split across chunks and drops an unterminated tail', async () => {
    const bytes = new TextEncoder().encode('id: 1\nevent: delta\ndata: {"text":"héllo ✓"}\n\nid: 2\ndata: cut');
    // Split inside the multi-byte "é" and "✓".
    const cut1 = bytes.indexOf(0xc3) + 1;
    const cut2 = bytes.indexOf(0xe2) + 2;
    const chunks = [bytes.slice(0, cut1), bytes.slice(cut1, cut2), bytes.slice(cut2)];
    const out: SSEMessage[] = [];
    for await (const ev of readSSE(streamOf(chunks))) out.push(ev);
    expect(out).toEqual([{ id: '1', event: 'delta', data: '{"text":"héllo ✓"}' }]);
  });
});
