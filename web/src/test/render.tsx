import { render } from '@testing-library/react';
import { MemoryRouter, useLocation } from 'react-router';
import { AppRoutes } from '../App';
import { AuthProvider } from '../auth/AuthProvider';

function LocationProbe() {
  const l = useLocation();
  return (
    <output data-testid="location" hidden>
      {l.pathname + l.search}
    </output>
  );
}

/** The whole app at a path, as a signed-in or signed-out visitor (per the fake API). */
export function renderApp(path: string) {
  return render(
    <MemoryRouter initialEntries={[path]}>
      <AuthProvider>
        <AppRoutes />
        <LocationProbe />
      </AuthProvider>
    </MemoryRouter>,
  );
}
