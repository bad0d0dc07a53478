import { StrictMode, startTransition } from 'react';
import { createRoot } from 'react-dom/client';
import App from './App';
import { ErrorBoundary, PageCrash } from './components/ErrorBoundary';
import { preloadRoute } from './routeChunks';
import { prefetchRouteData } from './routeData';
import { installGlobalErrorHandlers } from './telemetry/reportError';
import { applyTheme, storedTheme } from './theme/theme';
import './styles/base.css';
import './styles/app.css';

applyTheme(storedTheme());
installGlobalErrorHandlers();
// The page's data and its code download side by side, before React runs.
prefetchRouteData(window.location.pathname);
preloadRoute(window.location.pathname);

// The first render as a transition: React then renders in slices that yield
// to the browser instead of one long task, which is what a phone's blocking
// time (and Lighthouse's) counts.
const root = createRoot(document.getElementById('root')!);
startTransition(() => {
  root.render(
    <StrictMode>
      <ErrorBoundary fallback={(_e, reset) => <PageCrash reset={reset} />}>
        <App />
      </ErrorBoundary>
    </StrictMode>,
  );
});

if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js').catch(() => undefined);
  });
}
