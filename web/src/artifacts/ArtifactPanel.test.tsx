import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LiveArtifact } from './liveArtifact';
import { FakeApi, json } from '../test/fakeApi';
import ArtifactPanel from './ArtifactPanel';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.doUnmock('./renderers/SvgView');
});

const live = (over: Partial<LiveArtifact>): LiveArtifact => ({
  identifier: 'a',
  type: 'application/vnd.ant.code',
  title: 'Artifact',
  language: '',
  version: 1,
  content: '',
  id: 'art-1',
  messageId: 'm1',
  streaming: false,
  ...over,
});

function setup(artifact: LiveArtifact, versions: unknown[] = []) {
  const fake = new FakeApi().on('GET', /\/versions$/, () => json(200, { versions }));
  fake.install();
  const onClose = vi.fn();
  const utils = render(
    <ArtifactPanel chatId="c1" artifact={artifact} all={[artifact]} onSelect={() => undefined} onClose={onClose} />,
  );
  return { ...utils, fake, onClose };
}

describe('ArtifactPanel', () => {
  it('highlights code lazily and offers copy and download', async () => {
    const user = userEvent.setup();
    const code = 'package main\n\nfunc main() { return }\n';
    setup(live({ title: 'main.go', language: 'go', content: code }));
    expect(screen.getByRole('region', { name: 'main.go source' })).toHaveAttribute('tabindex', '0');
    await waitFor(() => expect(document.querySelector('.hljs-keyword')).not.toBeNull());
    expect(document.querySelector('.hljs-keyword')?.textContent).toBe('package');
    expect(screen.getByRole('link', { name: /download/i })).toHaveAttribute('href', '/api/artifacts/art-1/raw');
    expect(screen.getByRole('link', { name: /download/i })).toHaveAttribute('download', 'a.go');
    await user.click(screen.getByRole('button', { name: /copy/i }));
    expect(await navigator.clipboard.readText()).toBe(code);
    expect(screen.getByRole('button', { name: /copied/i })).toBeInTheDocument();
  });

  it('shows streaming content live, with download disabled until stored', () => {
    setup(live({ content: 'partial', streaming: true, id: null }));
    expect(screen.getByText('partial')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /download/i })).toBeDisabled();
    expect(screen.getByText(/writing/)).toBeInTheDocument();
  });

  it('runs HTML only in a sandboxed iframe without same-origin', () => {
    setup(live({ type: 'text/html', title: 'Page', content: '<h1>Hi</h1><script>parent.document.title="x"</script>' }));
    const frame = screen.getByTitle('Preview: Page');
    expect(frame.tagName).toBe('IFRAME');
    expect(frame.getAttribute('sandbox')).toBe('allow-scripts');
    expect(frame.getAttribute('sandbox')).not.toMatch(/same-origin/);
    expect(frame.getAttribute('src')).toBe('/preview.html');
    const post = vi.spyOn((frame as HTMLIFrameElement).contentWindow!, 'postMessage');
    act(() => {
      window.dispatchEvent(
        new MessageEvent('message', { data: { type: 'ready' }, source: (frame as HTMLIFrameElement).contentWindow }),
      );
    });
    expect(post).toHaveBeenCalledExactlyOnceWith(
      { type: 'render', html: '<h1>Hi</h1><script>parent.document.title="x"</script>' },
      '*',
    );
  });

  it('switches between preview and code with the tabs (keyboard too)', async () => {
    const user = userEvent.setup();
    setup(live({ type: 'text/markdown', title: 'ADR', content: '# Decision\n\nUse **Postgres**.' }));
    expect(screen.getByRole('heading', { name: 'Decision' })).toBeInTheDocument();
    const preview = screen.getByRole('tab', { name: 'Preview' });
    expect(preview).toHaveAttribute('aria-selected', 'true');
    preview.focus();
    await user.keyboard('{ArrowRight}');
    expect(screen.getByRole('tab', { name: 'Code' })).toHaveAttribute('aria-selected', 'true');
    expect(screen.getByRole('tab', { name: 'Code' })).toHaveFocus();
    expect(screen.queryByRole('heading', { name: 'Decision' })).not.toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'ADR source' })).toHaveTextContent('Use **Postgres**.');
  });

  it('renders SVG as a sanitized image, never inline script', () => {
    setup(
      live({
        type: 'image/svg+xml',
        title: 'Logo',
        content:
          '<svg viewBox="0 0 10 10"><script>alert(1)</script><circle cx="5" cy="5" r="4" onclick="alert(2)"/></svg>',
      }),
    );
    const img = screen.getByRole('img', { name: 'Logo' });
    const src = decodeURIComponent(img.getAttribute('src') ?? '');
    expect(src.startsWith('data:image/svg+xml')).toBe(true);
    expect(src).toContain('<circle');
    expect(src).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(src).not.toMatch(/script|onclick/);
  });

  it('lists versions and shows an older one when picked', async () => {
    const user = userEvent.setup();
    const v1 = {
      ...live({}),
      id: 'art-v1',
      chat_id: 'c1',
      message_id: 'm0',
      identifier: 'a',
      version: 1,
      content: 'old body',
      created_at: '',
    };
    const v2 = { ...v1, id: 'art-v2', version: 2, content: 'new body' };
    const { fake } = setup(live({ id: 'art-v2', version: 2, content: 'new body' }), [v1, v2]);
    const select = await screen.findByLabelText('Version');
    expect(fake.callsTo('GET', '/api/chats/c1/artifacts/a/versions')).toHaveLength(1);
    expect(
      within(select)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['v1', 'v2 (latest)']);
    await user.selectOptions(select, '1');
    await waitFor(() => expect(screen.getByRole('region', { name: 'Artifact source' })).toHaveTextContent('old body'));
    expect(screen.getByRole('link', { name: /download/i })).toHaveAttribute('href', '/api/artifacts/art-v1/raw');
  });

  it('closes on Escape and with the close button', async () => {
    const user = userEvent.setup();
    const { onClose } = setup(live({ content: 'x' }));
    await user.click(screen.getByRole('button', { name: 'Close artifact panel' }));
    screen.getByRole('button', { name: /copy/i }).focus();
    await user.keyboard('{Escape}');
    expect(onClose).toHaveBeenCalledTimes(2);
  });

  it('contains a crashing renderer in its error boundary and reports it', async () => {
    vi.resetModules();
    vi.doMock('./renderers/SvgView', () => ({
      SvgView: () => {
        throw new Error('renderer exploded');
      },
    }));
    const { default: Panel } = await import('./ArtifactPanel');
    const fake = new FakeApi()
      .on('GET', /\/versions$/, () => json(200, { versions: [] }))
      .on('POST', '/api/client-errors', () => json(204, null));
    fake.install();
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const a = live({ type: 'image/svg+xml', title: 'Broken', content: '<svg/>' });
    render(<Panel chatId="c1" artifact={a} all={[a]} onSelect={() => undefined} onClose={() => undefined} />);
    expect(await screen.findByText('This artifact could not be displayed.')).toBeInTheDocument();
    // The panel itself still works.
    expect(screen.getByRole('button', { name: 'Close artifact panel' })).toBeInTheDocument();
    await waitFor(() => expect(fake.callsTo('POST', '/api/client-errors')).toHaveLength(1));
    expect(fake.callsTo('POST', '/api/client-errors')[0].body).toMatchObject({ message: 'Error: renderer exploded' });
  });
});
