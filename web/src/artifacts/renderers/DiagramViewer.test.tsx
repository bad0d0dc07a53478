import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DiagramViewer } from './DiagramViewer';

const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50"><rect width="100" height="50"/></svg>';

afterEach(() => vi.restoreAllMocks());

describe('DiagramViewer', () => {
  it('zooms with the buttons and the keyboard, pans with arrows, and resets', async () => {
    const user = userEvent.setup();
    render(<DiagramViewer svg={svg} title="Flow" />);
    const img = screen.getByRole('img', { name: 'Diagram: Flow' });
    await user.click(screen.getByRole('button', { name: 'Zoom in' }));
    expect(screen.getByText('125%')).toBeInTheDocument();
    expect(img.style.transform).toBe('translate(0px, 0px) scale(1.25)');
    screen.getByRole('group').focus();
    await user.keyboard('-{ArrowLeft}');
    expect(screen.getByText('100%')).toBeInTheDocument();
    expect(img.style.transform).toBe('translate(40px, 0px) scale(1)');
    await user.click(screen.getByRole('button', { name: 'Reset' }));
    expect(img.style.transform).toBe('translate(0px, 0px) scale(1)');
  });

  it('goes full screen and back with Esc', async () => {
    const user = userEvent.setup();
    const { container } = render(<DiagramViewer svg={svg} title="Flow" />);
    await user.click(screen.getByRole('button', { name: 'Full screen' }));
    expect(container.querySelector('.diagram-viewer.fullscreen')).not.toBeNull();
    await user.keyboard('{Escape}');
    expect(container.querySelector('.diagram-viewer.fullscreen')).toBeNull();
  });

  it('exports the SVG source as a named file', async () => {
    const user = userEvent.setup();
    const blobs: Blob[] = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
      blobs.push(b as Blob);
      return 'blob:diagram';
    });
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
    const clicked: { href: string; download: string }[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push({ href: this.getAttribute('href') ?? '', download: this.download });
    });
    render(<DiagramViewer svg={svg} title="Order flow" />);
    await user.click(screen.getByRole('button', { name: 'Export SVG' }));
    expect(clicked).toEqual([{ href: 'blob:diagram', download: 'Order-flow.svg' }]);
    expect(blobs[0].type).toBe('image/svg+xml');
    expect(blobs[0].size).toBe(new TextEncoder().encode(svg).length);
  });
});
