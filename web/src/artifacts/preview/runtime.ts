// Runs INSIDE the sandboxed preview iframe (opaque origin), never in the
// studio page. Bundled on its own (React included) as a classic script and
// inlined into the document the studio posts to the frame, which may fetch
// nothing.
import * as React from 'react';
import * as ReactDOM from 'react-dom';
import * as ReactDOMClient from 'react-dom/client';
import * as jsxRuntime from 'react/jsx-runtime';

type Factory = (
  require: (name: string) => unknown,
  module: { exports: Record<string, unknown> },
  exports: Record<string, unknown>,
) => void;

const h = React.createElement;

function showError(err: unknown): void {
  const root = document.getElementById('root') ?? document.body;
  const pre = document.createElement('pre');
  pre.className = 'preview-error';
  pre.textContent = `Preview error: ${err instanceof Error ? err.message : String(err)}`;
  root.replaceChildren(pre);
}

// Artifacts often import UI kits (lucide-react, recharts, shadcn). Those are
// not here; stand-ins keep the rest of the component visible.
function placeholderComponent(name: string) {
  const C = (props: { children?: React.ReactNode }) =>
    h(
      'span',
      { className: 'preview-placeholder', title: `${name} is not available in the preview` },
      props.children ?? name,
    );
  C.displayName = name;
  return C;
}

function placeholderModule(moduleName: string): unknown {
  return new Proxy(
    {},
    {
      get(_t, key) {
        if (key === '__esModule') return true;
        if (typeof key !== 'string') return undefined;
        return placeholderComponent(key === 'default' ? moduleName : key);
      },
    },
  );
}

const modules: Record<string, unknown> = {
  react: React,
  'react-dom': ReactDOM,
  'react-dom/client': ReactDOMClient,
  'react/jsx-runtime': jsxRuntime,
  'react/jsx-dev-runtime': jsxRuntime,
};

function requireModule(name: string): unknown {
  return modules[name] ?? placeholderModule(name);
}

class Boundary extends React.Component<{ children: React.ReactNode }, { error: Error | null }> {
  state = { error: null as Error | null };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  render() {
    if (this.state.error) return h('pre', { className: 'preview-error' }, `Preview error: ${this.state.error.message}`);
    return this.props.children;
  }
}

function run(factory: Factory): void {
  const module = { exports: {} as Record<string, unknown> };
  try {
    factory(requireModule, module, module.exports);
  } catch (e) {
    showError(e);
    return;
  }
  const exported = module.exports;
  const Component = (exported.default ?? Object.values(exported).find((v) => typeof v === 'function')) as
    React.ComponentType | undefined;
  if (typeof Component !== 'function') {
    showError(new Error('The artifact has no component to show (export one as default).'));
    return;
  }
  const root = document.getElementById('root');
  if (!root) return;
  ReactDOMClient.createRoot(root).render(h(Boundary, null, h(Component)));
}

// Marked handled: shown in place, the frame need not report it to the studio.
window.addEventListener('error', (e) => {
  e.preventDefault();
  showError(e.error ?? e.message);
});
(window as unknown as { __runPreview: typeof run }).__runPreview = run;
