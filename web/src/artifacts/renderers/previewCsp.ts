// The preview documents add their own Content-Security-Policy on top of the
// page's (a srcdoc inherits the parent's policy; both apply): scripts and
// styles inline only, and no network at all — a preview cannot call the API
// or send anything anywhere, even though its origin is already opaque.
export const PREVIEW_CSP =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; font-src data:; media-src data: blob:; form-action 'none'; base-uri 'none'";

export const PREVIEW_CSP_META = `<meta http-equiv="Content-Security-Policy" content="${PREVIEW_CSP}">`;

/** Puts the policy first in an HTML document, where the parser places it in <head>. */
export function withPreviewCsp(html: string): string {
  return `${PREVIEW_CSP_META}\n${html}`;
}
