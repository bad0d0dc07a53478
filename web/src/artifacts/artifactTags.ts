// Claude writes artifacts as <antArtifact ...>…</antArtifact> inside its
// reply. The stream sends them as separate events, but a stored message may
// still contain the tags; the conversation shows a card instead of the body.

const closed = /<antArtifact\b[^>]*>[\s\S]*?<\/antArtifact>/gi;
const open = /<antArtifact\b[\s\S]*$/i;
const thinking = /<antThinking>[\s\S]*?<\/antThinking>/gi;

// While streaming, a tag may be cut mid-name ("<antArt"): hide the stub.
const partialTag = /<\/?[A-Za-z]*$/;

export function stripArtifactTags(text: string, streaming = false): string {
  let out = text.replace(closed, '').replace(thinking, '').replace(open, '');
  if (streaming) out = out.replace(partialTag, '');
  return out.replace(/\n{3,}/g, '\n\n').trim();
}

export const artifactTypeLabels: Record<string, string> = {
  'application/vnd.ant.code': 'Code',
  'text/markdown': 'Document',
  'text/html': 'HTML',
  'image/svg+xml': 'SVG',
  'application/vnd.ant.mermaid': 'Diagram',
  'application/vnd.ant.react': 'React',
};

export function artifactTypeLabel(type: string, language?: string): string {
  if (type === 'application/vnd.ant.code' && language) return language;
  return artifactTypeLabels[type] ?? 'Artifact';
}

/** Types that have a rendered preview besides their source. */
export function hasPreview(type: string): boolean {
  return (
    type === 'text/markdown' ||
    type === 'text/html' ||
    type === 'image/svg+xml' ||
    type === 'application/vnd.ant.mermaid' ||
    type === 'application/vnd.ant.react'
  );
}

export function sourceLanguage(type: string, language: string): string {
  switch (type) {
    case 'text/markdown':
      return 'markdown';
    case 'text/html':
    case 'image/svg+xml':
      return 'xml';
    case 'application/vnd.ant.react':
      return 'typescript';
    case 'application/vnd.ant.mermaid':
      return 'plaintext';
    default:
      return language || '';
  }
}

const extensions: Record<string, string> = {
  'text/markdown': 'md',
  'text/html': 'html',
  'image/svg+xml': 'svg',
  'application/vnd.ant.mermaid': 'mmd',
  'application/vnd.ant.react': 'tsx',
};

export function downloadName(a: { identifier: string; type: string; language: string }): string {
  const ext = extensions[a.type] ?? (a.language ? a.language.toLowerCase() : 'txt');
  return `${a.identifier || 'artifact'}.${ext}`;
}

export type ReplySegment = { kind: 'text'; text: string } | { kind: 'artifact'; identifier: string };

const tagOrThinking = /<antThinking>[\s\S]*?<\/antThinking>|<antArtifact\b([^>]*)>[\s\S]*?(?:<\/antArtifact>|$)/gi;
const identifierAttr = /\bidentifier\s*=\s*(?:"([^"]*)"|'([^']*)')/i;

function decodeEntities(s: string): string {
  return s.replace(/&(quot|apos|lt|gt|amp|#39);/g, (_m, e: string) =>
    e === 'quot' ? '"' : e === 'apos' || e === '#39' ? "'" : e === 'lt' ? '<' : e === 'gt' ? '>' : '&',
  );
}

/**
 * A reply as prose and artifacts in the order Claude wrote them, so each
 * artifact's card stands where the artifact was ("Here is a sketch:" then
 * the card, then the rest). The prose is what stripArtifactTags leaves.
 */
export function splitArtifactSegments(text: string, streaming = false): ReplySegment[] {
  const out: ReplySegment[] = [];
  const pushText = (t: string) => {
    const clean = stripArtifactTags(t, streaming);
    if (clean) out.push({ kind: 'text', text: clean });
  };
  let last = 0;
  for (const m of text.matchAll(tagOrThinking)) {
    pushText(text.slice(last, m.index));
    last = m.index + m[0].length;
    if (m[1] === undefined) continue; // thinking
    const id = identifierAttr.exec(m[1]);
    const identifier = id ? decodeEntities(id[1] ?? id[2] ?? '') : '';
    if (identifier && !out.some((s) => s.kind === 'artifact' && s.identifier === identifier))
      out.push({ kind: 'artifact', identifier });
  }
  pushText(text.slice(last));
  return out;
}

/** The tag a streamed artifact_start stands for in the reply's text (its content streams elsewhere). */
export function artifactMarker(identifier: string): string {
  const attr = identifier.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  return `<antArtifact identifier="${attr}"></antArtifact>`;
}
