import { describe, expect, it } from 'vitest';
import { plural } from './format';

describe('plural', () => {
  const cases: [number, string, string | undefined, string][] = [
    [0, 'call', undefined, '0 calls'],
    [1, 'call', undefined, '1 call'],
    [2, 'call', undefined, '2 calls'],
    [1200, 'token', undefined, `${(1200).toLocaleString()} tokens`],
    [1, 'reply', 'replies', '1 reply'],
    [3, 'reply', 'replies', '3 replies'],
  ];
  for (const [n, one, other, want] of cases) {
    it(`${n} ${one}`, () => expect(plural(n, one, other)).toBe(want));
  }
});
