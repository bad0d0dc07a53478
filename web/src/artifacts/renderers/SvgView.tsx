import { useMemo } from 'react';
import { sanitizeSvg, svgDataUrl } from './svg';

/** An SVG artifact, sanitized and shown as an image: it can run nothing. */
export function SvgView({ content, title }: { content: string; title: string }) {
  const src = useMemo(() => {
    const clean = sanitizeSvg(content);
    return clean ? svgDataUrl(clean) : null;
  }, [content]);
  if (!src) return <p className="alert error">This SVG could not be displayed.</p>;
  return (
    <div className="image-view">
      <img src={src} alt={title || 'SVG image'} />
    </div>
  );
}
