import { useEffect, useState } from 'react';
import { isDark } from '../../theme/theme';
import { CodeView } from './CodeView';
import { DiagramViewer } from './DiagramViewer';
import { sanitizeSvg, withIntrinsicSize } from './svg';

let counter = 0;
let initializedFor: string | null = null;

/** Renders Mermaid source to SVG with the lazily loaded mermaid package. */
export async function renderMermaid(code: string): Promise<string> {
  const { default: mermaid } = await import('mermaid');
  const theme = isDark() ? 'dark' : 'default';
  if (initializedFor !== theme) {
    mermaid.initialize({
      startOnLoad: false,
      securityLevel: 'strict',
      theme,
      fontFamily: 'system-ui, sans-serif',
      // Plain SVG text instead of HTML in foreignObject, so the result
      // survives sanitizing and renders inside an <img>.
      flowchart: { htmlLabels: false },
      htmlLabels: false,
    } as Parameters<typeof mermaid.initialize>[0]);
    initializedFor = theme;
  }
  await mermaid.parse(code);
  const { svg } = await mermaid.render(`mermaid-${++counter}`, code);
  return svg;
}

export function MermaidView({ code, title }: { code: string; title: string }) {
  // What was rendered is kept with the code it was rendered from: new code
  // shows "Rendering…" until its own result arrives.
  const [rendered, setRendered] = useState<{ code: string; result: { svg: string } | { error: string } } | null>(null);

  useEffect(() => {
    let cancelled = false;
    renderMermaid(code)
      .then((svg) => {
        if (!cancelled) setRendered({ code, result: { svg: withIntrinsicSize(sanitizeSvg(svg)) } });
      })
      .catch((e: unknown) => {
        if (!cancelled) setRendered({ code, result: { error: e instanceof Error ? e.message : String(e) } });
      });
    return () => {
      cancelled = true;
    };
  }, [code]);
  const result = rendered?.code === code ? rendered.result : null;

  if (!result) {
    return (
      <p className="muted center pad" role="status">
        Rendering diagram…
      </p>
    );
  }
  if ('error' in result) {
    return (
      <div>
        <p className="alert error" role="alert">
          The diagram has a syntax error: {result.error.split('\n')[0]}
        </p>
        <CodeView code={code} language="plaintext" label="Diagram source" />
      </div>
    );
  }
  return <DiagramViewer svg={result.svg} title={title} />;
}
