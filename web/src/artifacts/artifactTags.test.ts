import { describe, expect, it } from 'vitest';
import { downloadName, stripArtifactTags } from './artifactTags';

describe('stripArtifactTags', () => {
  const cases: [string, string, boolean, string][] = [
    ['no tags', 'Plain **text**.', false, 'Plain **text**.'],
    [
      'a closed artifact',
      'Intro.\n\n<antArtifact identifier="x" type="text/markdown" title="T"># Doc\n</antArtifact>\n\nOutro.',
      false,
      'Intro.\n\nOutro.',
    ],
    ['an artifact still streaming', 'Intro.\n\n<antArtifact identifier="x" type="text/html">', true, 'Intro.'],
    ['a tag cut mid-name while streaming', 'Intro.\n\n<antArt', true, 'Intro.'],
    ['thinking blocks', '<antThinking>hmm</antThinking>Answer', false, 'Answer'],
    ['a lone < in finished text stays', 'a < b', false, 'a < b'],
  ];
  for (const [name, input, streaming, want] of cases) {
    it(name, () => expect(stripArtifactTags(input, streaming)).toBe(want));
  }
});

describe('downloadName', () => {
  it('uses the type or language for the extension', () => {
    expect(downloadName({ identifier: 'arch', type: 'application/vnd.ant.mermaid', language: '' })).toBe('arch.mmd');
    expect(downloadName({ identifier: 'svc', type: 'application/vnd.ant.code', language: 'Go' })).toBe('svc.go');
    expect(downloadName({ identifier: '', type: 'application/vnd.ant.code', language: '' })).toBe('artifact.txt');
  });
});
