import { useEffect, useRef, useState, type PointerEvent, type WheelEvent } from 'react';
import { svgDataUrl } from './svg';

const MIN = 0.25;
const MAX = 8;
const STEP = 1.25;

function clamp(z: number): number {
  return Math.min(MAX, Math.max(MIN, z));
}

function fileName(title: string, ext: string): string {
  const base =
    title
      .trim()
      .replace(/[^\w.-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'diagram';
  return `${base}.${ext}`;
}

function download(href: string, name: string): void {
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
}

/** Draws the SVG on a canvas at twice its size (crisp on high-density screens) and returns a PNG. */
export async function svgToPng(svg: string, scale = 2): Promise<Blob> {
  const img = new Image();
  img.decoding = 'async';
  img.src = svgDataUrl(svg);
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round((img.naturalWidth || 800) * scale));
  canvas.height = Math.max(1, Math.round((img.naturalHeight || 600) * scale));
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas');
  // A white ground, as the diagram is drawn for one (transparent PNGs turn black in some viewers).
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png'),
  );
}

/**
 * A sanitized SVG diagram with zoom (buttons, Ctrl+wheel, + and - keys),
 * pan (drag, or arrow keys when focused), full screen, and export as SVG
 * and PNG.
 */
export function DiagramViewer({ svg, title }: { svg: string; title: string }) {
  const [zoom, setZoom] = useState(1);
  const [pan, setPan] = useState({ x: 0, y: 0 });
  const [full, setFull] = useState(false);
  const [exportError, setExportError] = useState<string | null>(null);
  const drag = useRef<{ x: number; y: number; px: number; py: number } | null>(null);
  const src = svgDataUrl(svg);
  const label = `Diagram: ${title || 'Mermaid diagram'}`;

  useEffect(() => {
    if (!full) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        setFull(false);
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [full]);

  const zoomBy = (f: number) => setZoom((z) => clamp(z * f));
  const reset = () => {
    setZoom(1);
    setPan({ x: 0, y: 0 });
  };

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    e.currentTarget.setPointerCapture?.(e.pointerId);
    drag.current = { x: e.clientX, y: e.clientY, px: pan.x, py: pan.y };
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (!d) return;
    setPan({ x: d.px + e.clientX - d.x, y: d.py + e.clientY - d.y });
  };
  const endDrag = () => {
    drag.current = null;
  };
  const onWheel = (e: WheelEvent<HTMLDivElement>) => {
    if (!e.ctrlKey && !e.metaKey) return;
    e.preventDefault();
    zoomBy(e.deltaY < 0 ? STEP : 1 / STEP);
  };
  const onKeyDown = (e: React.KeyboardEvent<HTMLDivElement>) => {
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [40, 0],
      ArrowRight: [-40, 0],
      ArrowUp: [0, 40],
      ArrowDown: [0, -40],
    };
    if (e.key === '+' || e.key === '=') zoomBy(STEP);
    else if (e.key === '-') zoomBy(1 / STEP);
    else if (e.key === '0') reset();
    else if (moves[e.key]) setPan((p) => ({ x: p.x + moves[e.key][0], y: p.y + moves[e.key][1] }));
    else return;
    e.preventDefault();
  };

  const exportSvg = () => {
    const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
    download(url, fileName(title, 'svg'));
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  const exportPng = async () => {
    setExportError(null);
    try {
      const url = URL.createObjectURL(await svgToPng(svg));
      download(url, fileName(title, 'png'));
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      setExportError(`The PNG could not be made: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  return (
    <div className={full ? 'diagram-viewer fullscreen' : 'diagram-viewer'}>
      <div className="diagram-toolbar" role="toolbar" aria-label="Diagram">
        <button type="button" className="btn ghost small" onClick={() => zoomBy(1 / STEP)} disabled={zoom <= MIN}>
          <span aria-hidden="true">−</span>
          <span className="visually-hidden">Zoom out</span>
        </button>
        <span className="diagram-zoom small" aria-live="polite">
          {Math.round(zoom * 100)}%
        </span>
        <button type="button" className="btn ghost small" onClick={() => zoomBy(STEP)} disabled={zoom >= MAX}>
          <span aria-hidden="true">+</span>
          <span className="visually-hidden">Zoom in</span>
        </button>
        <button type="button" className="btn ghost small" onClick={reset}>
          Reset
        </button>
        <button type="button" className="btn ghost small" aria-pressed={full} onClick={() => setFull(!full)}>
          {full ? 'Exit full screen' : 'Full screen'}
        </button>
        <span className="toolbar-spacer" />
        <button type="button" className="btn ghost small" onClick={exportSvg}>
          Export SVG
        </button>
        <button type="button" className="btn ghost small" onClick={() => void exportPng()}>
          Export PNG
        </button>
      </div>
      {exportError && (
        <p className="alert error small" role="alert">
          {exportError}
        </p>
      )}
      <div
        className="diagram-stage"
        tabIndex={0}
        role="group"
        aria-label={`${label}. Drag or use the arrow keys to pan, + and − to zoom.`}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={endDrag}
        onPointerCancel={endDrag}
        onWheel={onWheel}
        onKeyDown={onKeyDown}
      >
        <img
          src={src}
          alt={label}
          draggable={false}
          style={{ transform: `translate(${pan.x}px, ${pan.y}px) scale(${zoom})` }}
        />
      </div>
    </div>
  );
}
