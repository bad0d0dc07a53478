import { render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildReactSrcdoc, compileComponent, escapeScript, ReactPreview } from './ReactPreview';
import { PREVIEW_CSP, withPreviewCsp } from './previewCsp';
import { sanitizeSvg, withIntrinsicSize } from './svg';

vi.mock('mermaid', () => ({
  default: {
    initialize: vi.fn(),
    parse: vi.fn(async (code: string) => {
      if (code.includes('!!')) throw new Error('Parse error on line 1:\nexpecting graph');
      return true;
    }),
    render: vi.fn(async () => ({
      svg: '<svg id="m" width="100%" style="max-width: 200px;" viewBox="0 0 200 80"><g><text>A</text></g></svg>',
    })),
  },
}));

afterEach(() => vi.unstubAllGlobals());

describe('React preview', () => {
  it('compiles TSX with imports to CommonJS using the automatic JSX runtime', async () => {
    const out = await compileComponent(
      "import { useState } from 'react';\nexport default function App(): JSX.Element { const [n] = useState<number>(1); return <b>{n}</b>; }",
    );
    expect(out).toContain('require("react/jsx-runtime")');
    expect(out).toContain("require('react')");
    expect(out).toMatch(/exports\.default = App/);
    expect(out).not.toContain('<b>');
    expect(out).not.toContain(': JSX.Element');
  });

  it('keeps user code from closing the inline script', () => {
    expect(escapeScript('const s = "</script><img onerror=x>"; // <!-- x')).toBe(
      'const s = "<\\/script><img onerror=x>"; // <\\!-- x',
    );
    const doc = buildReactSrcdoc('/*rt*/', 'var a = "</SCRIPT>";');
    expect(doc.match(/<\/script>/gi)).toHaveLength(2); // only our own two closing tags
  });

  it('renders in a sandboxed iframe with the bundled runtime inlined', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response('window.__runPreview=function(f){};/*runtime*/', { status: 200 })),
    );
    render(<ReactPreview source={'export default () => <p>Hello</p>'} title="Widget" />);
    const frame = await screen.findByTitle('Preview: Widget');
    expect(frame.getAttribute('sandbox')).toBe('allow-scripts');
    const srcdoc = frame.getAttribute('srcdoc') ?? '';
    expect(srcdoc).toContain('/*runtime*/');
    expect(srcdoc).toContain('window.__runPreview(function(require,module,exports){');
    expect(srcdoc).toContain(`<meta http-equiv="Content-Security-Policy" content="${PREVIEW_CSP}">`);
  });

  it('shows a compile error with the source instead of a broken frame', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response('/*rt*/')),
    );
    render(<ReactPreview source={'export default () => <p>unclosed'} title="Bad" />);
    expect(await screen.findByText(/could not be compiled/)).toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'Component source' })).toHaveTextContent('unclosed');
  });
});

describe('Mermaid', () => {
  it('renders the diagram as an image with a text alternative', async () => {
    const { MermaidView } = await import('./MermaidView');
    render(<MermaidView code={'graph TD\nA-->B'} title="Flow" />);
    const img = await screen.findByRole('img', { name: 'Diagram: Flow' });
    const svg = decodeURIComponent(img.getAttribute('src') ?? '');
    expect(svg).toContain('width="200" height="80"');
  });

  it('shows a syntax error with the source', async () => {
    const { MermaidView } = await import('./MermaidView');
    render(<MermaidView code={'graph !!'} title="Flow" />);
    expect(await screen.findByRole('alert')).toHaveTextContent('syntax error: Parse error on line 1:');
    expect(screen.getByRole('region', { name: 'Diagram source' })).toHaveTextContent('graph !!');
  });
});

describe('svg helpers', () => {
  it('withIntrinsicSize takes the size from the viewBox', () => {
    expect(withIntrinsicSize('<svg width="100%" viewBox="0 0 320 140" style="max-width:320px"><g/></svg>')).toBe(
      '<svg width="320" height="140" viewBox="0 0 320 140"><g/></svg>',
    );
    expect(withIntrinsicSize('<svg width="10"><g/></svg>')).toBe('<svg width="10"><g/></svg>');
  });

  it('sanitizeSvg drops scripts, handlers and foreignObject', () => {
    const out = sanitizeSvg(
      '<svg><script>x()</script><foreignObject><div>hi</div></foreignObject><a href="javascript:x()"><rect onload="x()"/></a></svg>',
    );
    expect(out).not.toMatch(/script|foreignObject|onload|javascript:/i);
    expect(out).toContain('<rect');
  });
});

describe('preview CSP', () => {
  it('allows inline scripts and styles but no network', () => {
    expect(PREVIEW_CSP).toMatch(/default-src 'none'/);
    expect(PREVIEW_CSP).not.toMatch(/connect-src|https?:|'self'/);
    expect(withPreviewCsp('<!doctype html><p>x</p>').startsWith('<meta http-equiv="Content-Security-Policy"')).toBe(
      true,
    );
  });
});
