import { lazy } from 'react';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { AuthProvider } from './auth/AuthProvider';
import { RequireAuth } from './auth/RequireAuth';
import { RouteBoundary } from './components/RouteBoundary';
import { AppShell } from './components/AppShell';

// Every page is its own chunk: the first load only carries the shell.
const LoginPage = lazy(() => import('./pages/LoginPage'));
const ChatsLayout = lazy(() => import('./chat/ChatsLayout'));
const ChatView = lazy(() => import('./chat/ChatView'));
const NewChatView = lazy(() => import('./chat/NewChatView'));
const SettingsPage = lazy(() => import('./settings/SettingsPage'));
const NotFoundPage = lazy(() => import('./pages/NotFoundPage'));
const SharedPage = lazy(() => import('./share/SharedPage'));

export function AppRoutes() {
  return (
    <Routes>
      <Route
        path="/login"
        element={
          <RouteBoundary>
            <LoginPage />
          </RouteBoundary>
        }
      />
      <Route
        path="/s/:token"
        element={
          <RouteBoundary label="Loading shared chat…">
            <SharedPage />
          </RouteBoundary>
        }
      />
      <Route
        element={
          <RequireAuth>
            <AppShell />
          </RequireAuth>
        }
      >
        <Route index element={<Navigate to="/chats" replace />} />
        <Route
          path="chats"
          element={
            <RouteBoundary label="Loading chats…">
              <ChatsLayout />
            </RouteBoundary>
          }
        >
          <Route
            index
            element={
              <RouteBoundary>
                <NewChatView />
              </RouteBoundary>
            }
          />
          <Route
            path=":id"
            element={
              <RouteBoundary label="Loading conversation…">
                <ChatView />
              </RouteBoundary>
            }
          />
        </Route>
        <Route
          path="settings"
          element={
            <RouteBoundary label="Loading settings…">
              <SettingsPage />
            </RouteBoundary>
          }
        />
        <Route
          path="*"
          element={
            <RouteBoundary>
              <NotFoundPage />
            </RouteBoundary>
          }
        />
      </Route>
    </Routes>
  );
}

export default function App() {
  return (
    <BrowserRouter>
      <AuthProvider>
        <AppRoutes />
      </AuthProvider>
    </BrowserRouter>
  );
}
