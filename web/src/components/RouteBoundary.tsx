import { Suspense, type ReactNode } from 'react';
import { useLocation } from 'react-router';
import { ErrorBoundary, PageCrash } from './ErrorBoundary';
import { Spinner } from './Spinner';

/** Error boundary + suspense for one lazily loaded route; resets on navigation. */
export function RouteBoundary({ children, label = 'Loading…' }: { children: ReactNode; label?: string }) {
  const { pathname } = useLocation();
  return (
    <ErrorBoundary resetKey={pathname} fallback={(_e, reset) => <PageCrash reset={reset} />}>
      <Suspense
        fallback={
          <div className="page-center">
            <Spinner label={label} />
          </div>
        }
      >
        {children}
      </Suspense>
    </ErrorBoundary>
  );
}
