import { describe, expect, it } from 'vitest';
import {
  artifactMarker,
  downloadName,
  splitArtifactSegments,
  stripArtifactTags,
  type ReplySegment,
} from './artifactTags';

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

describe('splitArtifactSegments', () => {
  const t = (text: string): ReplySegment => ({ kind: 'text', text });
  const a = (identifier: string): ReplySegment => ({ kind: 'artifact', identifier });
  const cases: [string, string, boolean, ReplySegment[]][] = [
    ['no artifact', 'Just text.', false, [t('Just text.')]],
    [
      'the card stands where the artifact was',
      'Here is a sketch:\n\n<antArtifact identifier="flow" type="application/vnd.ant.mermaid" title="F">graph TD\n</antArtifact>\n\nThe queue decouples them.',
      false,
      [t('Here is a sketch:'), a('flow'), t('The queue decouples them.')],
    ],
    [
      'two artifacts and single quotes',
      'A<antArtifact identifier=\'one\' type=\'text/html\'>x</antArtifact>B<antArtifact identifier="two" type="text/html">y</antArtifact>',
      false,
      [t('A'), a('one'), t('B'), a('two')],
    ],
    [
      'an artifact still streaming ends the text',
      'Intro:\n<antArtifact identifier="x" type="text/html"><p>hal',
      true,
      [t('Intro:'), a('x')],
    ],
    [
      'the streaming marker',
      `Intro:${artifactMarker('a "b" & c')}Then.`,
      true,
      [t('Intro:'), a('a "b" & c'), t('Then.')],
    ],
    ['thinking is dropped', '<antThinking>hmm</antThinking>Answer', false, [t('Answer')]],
    [
      'an identifier written twice gets one card',
      '<antArtifact identifier="x" type="text/html">1</antArtifact> and <antArtifact identifier="x" type="text/html">2</antArtifact>',
      false,
      [a('x'), t('and')],
    ],
  ];
  for (const [name, input, streaming, want] of cases) {
    it(name, () => expect(splitArtifactSegments(input, streaming)).toEqual(want));
  }
});
