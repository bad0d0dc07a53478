import { useEffect, useState } from 'react';
import runtimeUrl from '../preview/runtime.ts?worker&url';
import { CodeView } from './CodeView';
import { PreviewFrame } from './PreviewFrame';

let runtimeText: Promise<string> | null = null;

function loadRuntime(): Promise<string> {
  runtimeText ??= fetch(runtimeUrl).then((r) => {
    if (!r.ok) throw new Error(`preview runtime: HTTP ${r.status}`);
    return r.text();
  });
  runtimeText.catch(() => {
    runtimeText = null;
  });
  return runtimeText;
}

/** Compiles TSX/JSX to CommonJS with the lazily loaded sucrase. */
export async function compileComponent(source: string): Promise<string> {
  const { transform } = await import('sucrase');
  return transform(source, {
    transforms: ['jsx', 'typescript', 'imports'],
    jsxRuntime: 'automatic',
    production: true,
    filePath: 'Artifact.tsx',
  }).code;
}

/** Makes text safe inside an inline <script>: it must not close the element. */
export function escapeScript(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** The preview's document, with the runtime and the component inline: the frame may fetch nothing. */
export function buildReactDocument(runtime: string, compiled: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<style>
:root{color-scheme:light}
body{margin:0;padding:16px;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;background:#fff}
.preview-error{white-space:pre-wrap;color:#a0111f;background:#fff0f1;border:1px solid #f5c2c7;border-radius:6px;padding:12px;font:13px/1.5 ui-monospace,monospace}
.preview-placeholder{display:inline-block;border:1px dashed #9aa4b2;border-radius:4px;padding:0 4px;font-size:12px;color:#4b5563}
</style></head><body><div id="root"></div>
<script>${escapeScript(runtime)}</script>
<script>window.__runPreview(function(require,module,exports){
${escapeScript(compiled)}
});</script></body></html>`;
}

export function ReactPreview({ source, title }: { source: string; title: string }) {
  // The build is kept with the source it was built from: a new source shows
  // "Building…" until its own build arrives.
  const [built, setBuilt] = useState<{ source: string; result: { html: string } | { error: string } } | null>(null);

  useEffect(() => {
    let cancelled = false;
    Promise.all([loadRuntime(), compileComponent(source)])
      .then(([runtime, compiled]) => {
        if (!cancelled) setBuilt({ source, result: { html: buildReactDocument(runtime, compiled) } });
      })
      .catch((e: unknown) => {
        if (!cancelled) setBuilt({ source, result: { error: e instanceof Error ? e.message : String(e) } });
      });
    return () => {
      cancelled = true;
    };
  }, [source]);
  const state = built?.source === source ? built.result : null;

  if (!state) {
    return (
      <p className="muted center pad" role="status">
        Building preview…
      </p>
    );
  }
  if ('error' in state) {
    return (
      <div>
        <p className="alert error" role="alert">
          The component could not be compiled: {state.error.split('\n')[0]}
        </p>
        <CodeView code={source} language="typescript" label="Component source" />
      </div>
    );
  }
  return <PreviewFrame html={state.html} title={`Preview: ${title || 'React component'}`} />;
}
