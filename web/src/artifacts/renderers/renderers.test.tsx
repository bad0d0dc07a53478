import { act, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PreviewFrame } from './PreviewFrame';
import { buildReactDocument, compileComponent, escapeScript, ReactPreview } from './ReactPreview';
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

/** Posts what public/preview.html would, from frame's window (or another's). */
function fromFrame(frame: HTMLElement, data: unknown, source = (frame as HTMLIFrameElement).contentWindow) {
  act(() => {
    window.dispatchEvent(new MessageEvent('message', { data, source }));
  });
}

/** Renders a frame and returns it with a spy on what the studio posts to it. */
function renderFrame(html: string) {
  render(<PreviewFrame html={html} title="Preview: Page" />);
  const frame = screen.getByTitle('Preview: Page') as HTMLIFrameElement;
  const post = vi.spyOn(frame.contentWindow!, 'postMessage');
  return { frame, post };
}

describe('PreviewFrame', () => {
  it('loads the preview document sandboxed without same-origin', () => {
    const { frame } = renderFrame('<p>hi</p>');
    expect(frame.tagName).toBe('IFRAME');
    expect(frame.getAttribute('src')).toBe('/preview.html');
    expect(frame.getAttribute('sandbox')).toBe('allow-scripts');
    expect(frame.hasAttribute('srcdoc')).toBe(false);
  });

  it('posts the document once the frame is ready, and only once', () => {
    const { frame, post } = renderFrame('<p>hi</p><script>x()</script>');
    expect(post).not.toHaveBeenCalled();
    fromFrame(frame, { type: 'ready' });
    expect(post).toHaveBeenCalledExactlyOnceWith({ type: 'render', html: '<p>hi</p><script>x()</script>' }, '*');
    fromFrame(frame, { type: 'ready' });
    expect(post).toHaveBeenCalledOnce();
  });

  it('ignores messages from other windows', () => {
    const { frame, post } = renderFrame('<p>hi</p>');
    fromFrame(frame, { type: 'ready' }, window);
    fromFrame(frame, { type: 'error', message: 'spoofed' }, window);
    expect(post).not.toHaveBeenCalled();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('shows the first error the frame reports', () => {
    const { frame } = renderFrame('<script>boom()</script>');
    fromFrame(frame, { type: 'error', message: 'boom is not defined\n    at stack' });
    fromFrame(frame, { type: 'error', message: 'second' });
    expect(screen.getByRole('alert')).toHaveTextContent(/^Preview error: boom is not defined$/);
  });

  it('gives a new document a fresh frame', () => {
    const { rerender } = render(<PreviewFrame html="<p>one</p>" title="Preview: Page" />);
    const first = screen.getByTitle('Preview: Page');
    rerender(<PreviewFrame html="<p>two</p>" title="Preview: Page" />);
    expect(screen.getByTitle('Preview: Page')).not.toBe(first);
  });
});

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
    const doc = buildReactDocument('/*rt*/', 'var a = "</SCRIPT>";');
    expect(doc.match(/<\/script>/gi)).toHaveLength(2); // only our own two closing tags
  });

  it('posts a document with the bundled runtime inlined to the preview frame', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response('window.__runPreview=function(f){};/*runtime*/', { status: 200 })),
    );
    render(<ReactPreview source={'export default () => <p>Hello</p>'} title="Widget" />);
    const frame = (await screen.findByTitle('Preview: Widget')) as HTMLIFrameElement;
    expect(frame.getAttribute('src')).toBe('/preview.html');
    expect(frame.getAttribute('sandbox')).toBe('allow-scripts');
    const post = vi.spyOn(frame.contentWindow!, 'postMessage');
    // The frame is in the document a moment before its effect listens for
    // "ready" (the build resolved outside act), and a "ready" said before
    // that is lost: say it until the studio answers, which it does once.
    await vi.waitFor(() => {
      fromFrame(frame, { type: 'ready' });
      expect(post).toHaveBeenCalled();
    });
    expect(post).toHaveBeenCalledOnce();
    const [message, target] = post.mock.calls[0] as [{ type: string; html: string }, string];
    expect(target).toBe('*');
    expect(message.type).toBe('render');
    expect(message.html).toContain('<script>window.__runPreview=function(f){};/*runtime*/</script>');
    expect(message.html).toContain('window.__runPreview(function(require,module,exports){');
    expect(message.html).toContain('children: "Hello"');
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
