import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import App from './App';
import { ErrorBoundary, PageCrash } from './components/ErrorBoundary';
import { installGlobalErrorHandlers } from './telemetry/reportError';
import { applyTheme, storedTheme } from './theme/theme';
import './styles/base.css';
import './styles/app.css';

applyTheme(storedTheme());
installGlobalErrorHandlers();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ErrorBoundary fallback={(_e, reset) => <PageCrash reset={reset} />}>
      <App />
    </ErrorBoundary>
  </StrictMode>,
);

if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js').catch(() => undefined);
  });
}
