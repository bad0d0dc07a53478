/** A chat title from the first line of the first message. */
export function titleFrom(content: string): string {
  const line = content.split('\n').find((l) => l.trim()) ?? content;
  const t = line.trim().replace(/\s+/g, ' ');
  return t.length > 60 ? `${t.slice(0, 57)}…` : t;
}

export function isUntitled(title: string | undefined | null): boolean {
  return !title || /^(new chat|untitled chat|untitled)$/i.test(title.trim());
}
