// Cuts streamed markdown into speakable sentences for browser speech:
// markdown syntax is dropped, code blocks and tables are announced, and
// abbreviations and decimals do not end a sentence.

const ABBREVIATIONS = new Set(['e.g', 'i.e', 'dr', 'mr', 'mrs', 'ms', 'prof', 'vs', 'etc', 'approx', 'no', 'cf', 'st']);

export const CODE_ANNOUNCEMENT = "There's a code sample on screen.";
export const TABLE_ANNOUNCEMENT = "There's a table on screen.";

export function announcement(type: string): string {
  switch (type) {
    case 'application/vnd.ant.mermaid':
      return "I've put a diagram in the panel.";
    case 'application/vnd.ant.code':
      return "I've put the code in the panel.";
    case 'text/markdown':
      return "I've put a document in the panel.";
    case 'text/html':
      return "I've put a page in the panel.";
    case 'image/svg+xml':
      return "I've put an image in the panel.";
  }
  return "I've put something in the panel.";
}

/** Removes markdown syntax a listener should not hear. */
export function plain(s: string): string {
  return s
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/`+([^`]*)`+/g, '$1')
    .replace(/(\*\*|__|\*|_|~~)(\S(?:.*?\S)?)\1/g, '$2')
    .replace(/<\/?[a-zA-Z][^>]*>/g, '')
    .replace(/^\s{0,3}(#{1,6}|>|[-*+]|\d{1,3}[.)])\s+/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

function endsSentence(before: string, after: string): boolean {
  const word = (before.split(/[\s("']/).pop() ?? '').toLowerCase();
  if (ABBREVIATIONS.has(word)) return word === 'etc' && /^\s*[A-Z]/.test(after);
  if (/^[a-z]$/.test(word) && /[A-Z]$/.test(before)) return false; // an initial
  return true;
}

export class SentenceSplitter {
  private line = '';
  private para = '';
  private inFence = false;
  private inTable = false;

  write(text: string): string[] {
    const out: string[] = [];
    const parts = (this.line + text).split('\n');
    this.line = parts.pop() ?? '';
    for (const l of parts) out.push(...this.endLine(l));
    return out.filter(Boolean);
  }

  flush(): string[] {
    const out = this.line ? this.endLine(this.line) : [];
    this.line = '';
    out.push(...this.endParagraph());
    this.inFence = false;
    this.inTable = false;
    return out.filter(Boolean);
  }

  private endLine(l: string): string[] {
    if (/^\s{0,3}(```|~~~)/.test(l)) {
      const out = this.inFence ? [] : [...this.endParagraph(), CODE_ANNOUNCEMENT];
      this.inFence = !this.inFence;
      return out;
    }
    if (this.inFence) return [];
    if (/^\s*\|/.test(l)) {
      const out = this.inTable ? [] : [...this.endParagraph(), TABLE_ANNOUNCEMENT];
      this.inTable = true;
      return out;
    }
    this.inTable = false;
    if (!l.trim() || /^\s{0,3}([-*_]\s*){3,}$/.test(l)) return this.endParagraph();
    if (/^\s{0,3}#{1,6}\s|^\s*([-*+]|\d{1,3}[.)])\s/.test(l)) {
      return [...this.endParagraph(), ...this.cut(l, true).map(plain)];
    }
    this.para = this.para ? `${this.para} ${l.trim()}` : l.trim();
    const done = this.cut(this.para + ' ', false);
    return done.map(plain);
  }

  private endParagraph(): string[] {
    const p = this.para;
    this.para = '';
    return p.trim() ? this.cut(p, true).map(plain) : [];
  }

  /** Cuts complete sentences off text; with final, the rest is one too. */
  private cut(text: string, final: boolean): string[] {
    const out: string[] = [];
    const re = /[.!?…]+["')\]*_`]*(?=\s)/g;
    let start = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const end = m.index + m[0].length;
      if (m[0][0] === '.' && !endsSentence(text.slice(start, m.index), text.slice(end))) continue;
      out.push(text.slice(start, end).trim());
      start = end;
    }
    const rest = text.slice(start).trim();
    if (final) {
      if (rest) out.push(rest);
    } else {
      this.para = rest;
    }
    return out;
  }
}
