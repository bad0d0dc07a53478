import DOMPurify from 'dompurify';

/** Sanitizes SVG (no scripts, handlers, foreign content) and makes it a data: URL for <img>. */
export function sanitizeSvg(svg: string): string {
  let clean = DOMPurify.sanitize(svg, {
    USE_PROFILES: { svg: true, svgFilters: true },
    FORBID_TAGS: ['script', 'foreignObject', 'use'],
  });
  if (clean && !/xmlns=/.test(clean.slice(0, 400))) {
    clean = clean.replace(/^<svg\b/i, '<svg xmlns="http://www.w3.org/2000/svg"');
  }
  return clean;
}

export function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

/**
 * Gives an SVG that sizes itself to its container (width="100%", as Mermaid
 * emits) fixed dimensions from its viewBox, since an <img> has no container
 * size to offer it.
 */
export function withIntrinsicSize(svg: string): string {
  const open = /^[\s\S]*?<svg\b[^>]*>/i.exec(svg);
  if (!open) return svg;
  const tag = open[0];
  const vb = /viewBox="\s*[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)[\s,]+([\d.]+)\s*"/i.exec(tag);
  if (!vb) return svg;
  const fixed = tag
    .replace(/\swidth="[^"]*"/i, '')
    .replace(/\sheight="[^"]*"/i, '')
    .replace(/\sstyle="[^"]*"/i, '')
    .replace(/<svg\b/i, `<svg width="${vb[1]}" height="${vb[2]}"`);
  return fixed + svg.slice(tag.length);
}
