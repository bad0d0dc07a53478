import { describe, expect, it } from 'vitest';
import { hasIssueSections, parseLabels, runTone } from './roadmap';

describe('hasIssueSections', () => {
  it.each([
    ['# Plan\n\n## Issue: Do it\nbody', true],
    ['## issue:   Lower case', true],
    ['### Issue: too deep', false],
    ['## Issue:', false],
    ['```md\n## Issue: in a fence\n```', false],
    ['plain text', false],
  ])('%j → %s', (md, want) => {
    expect(hasIssueSections(md)).toBe(want);
  });
});

describe('runTone', () => {
  it.each([
    ['queued', '', 'queued'],
    ['in_progress', '', 'running'],
    ['completed', 'success', 'success'],
    ['completed', 'failure', 'failure'],
    ['completed', 'cancelled', 'neutral'],
  ])('%s/%s → %s', (status, conclusion, want) => {
    expect(runTone(status, conclusion)).toBe(want);
  });
});

describe('parseLabels', () => {
  it('splits, trims and drops empties', () => {
    expect(parseLabels(' roadmap, ,claude ')).toEqual(['roadmap', 'claude']);
  });
});
