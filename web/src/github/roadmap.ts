// A markdown artifact is a publishable roadmap when it has "## Issue: <title>"
// sections outside code fences (the server splits it the same way).
export function hasIssueSections(markdown: string): boolean {
  let fence: string | null = null;
  for (const line of markdown.split('\n')) {
    const m = /^ {0,3}(```|~~~)/.exec(line);
    if (m) {
      fence = fence === null ? m[1] : fence === m[1] ? null : fence;
      continue;
    }
    if (fence === null && /^##[ \t]+issue:[ \t]*\S/i.test(line)) return true;
  }
  return false;
}

/** The colour class of a workflow run: queued, in progress, success or failure. */
export function runTone(status: string, conclusion: string): 'queued' | 'running' | 'success' | 'failure' | 'neutral' {
  if (status === 'queued' || status === 'waiting' || status === 'pending' || status === 'requested') return 'queued';
  if (status === 'in_progress') return 'running';
  if (status === 'completed') {
    if (conclusion === 'success') return 'success';
    if (conclusion === 'failure' || conclusion === 'timed_out' || conclusion === 'startup_failure') return 'failure';
  }
  return 'neutral';
}

/** Parses the labels field: comma-separated, trimmed, empty ones dropped. */
export function parseLabels(s: string): string[] {
  return s
    .split(',')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}
