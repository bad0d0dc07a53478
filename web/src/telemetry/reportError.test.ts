import { describe, expect, it, vi } from 'vitest';
import { buildReport, ErrorReporter, safeUrl, scrub, type ClientErrorReport } from './reportError';

describe('ErrorReporter', () => {
  it('throttles to 5 reports a minute and drops repeats of the same message', () => {
    let now = 0;
    const sent: ClientErrorReport[] = [];
    const r = new ErrorReporter(
      (x) => sent.push(x),
      () => now,
    );
    expect(r.report(new Error('a'))).toBe(true);
    expect(r.report(new Error('a'))).toBe(false); // duplicate
    for (const m of ['b', 'c', 'd', 'e']) expect(r.report(new Error(m))).toBe(true);
    expect(r.report(new Error('f'))).toBe(false); // over the budget
    expect(sent.map((s) => s.message)).toEqual(['Error: a', 'Error: b', 'Error: c', 'Error: d', 'Error: e']);
    now = 61_000;
    expect(r.report(new Error('a'))).toBe(true); // window passed
  });

  it('never throws into the app when sending fails', () => {
    const r = new ErrorReporter(() => {
      throw new Error('offline');
    });
    expect(() => r.report(new Error('x'))).not.toThrow();
  });
});

describe('buildReport', () => {
  it('truncates long messages and stacks', () => {
    const e = new Error('m'.repeat(5000));
    e.stack = 's'.repeat(10_000);
    const rep = buildReport(e, 'c'.repeat(10_000));
    expect(rep.message.length).toBeLessThanOrEqual(1000);
    expect(rep.stack.length).toBeLessThanOrEqual(4000);
    expect(rep.component_stack.length).toBeLessThanOrEqual(4000);
  });

  it('handles non-Error values', () => {
    expect(buildReport('boom').message).toBe('Error: boom');
    expect(buildReport({ weird: true }).message).toBe('Error: Non-error thrown');
  });

  it('sends the page without query or fragment', () => {
    vi.stubGlobal('location', new URL('http://localhost:8080/login?code=abc&state=xyz#frag'));
    expect(buildReport(new Error('x')).url).toBe('http://localhost:8080/login');
    vi.unstubAllGlobals();
    expect(safeUrl('not a url')).toBe('');
  });
});

describe('scrub', () => {
  const cases: [string, string][] = [
    ['token ghp_abcdefghijklmnopqrstuvwxyz0123 leaked', 'token [redacted] leaked'],
    ['key sk-ant-api03-AAAAAAAAAAAAAAAA', 'key [redacted]'],
    ['Authorization: Bearer abc.def.ghijkl', 'Authorization: [redacted]'],
    ['GET /x?code=123&state=abc', 'GET /x?code=[redacted]&state=[redacted]'],
    ['cookie __Host-session=s3cr3t; other', 'cookie __Host-session=[redacted]; other'],
    ['plain message', 'plain message'],
  ];
  for (const [input, want] of cases) it(input, () => expect(scrub(input)).toBe(want));
});
