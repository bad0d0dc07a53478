import { lazy } from 'react';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { AuthProvider } from './auth/AuthProvider';
import { RequireAuth } from './auth/RequireAuth';
import { RouteBoundary } from './components/RouteBoundary';
import { AppShell } from './components/AppShell';
import {
  loadChatsLayout,
  loadChatView,
  loadLoginPage,
  loadNewChatView,
  loadNotFoundPage,
  loadSettingsPage,
  loadSharedPage,
} from './routeChunks';

// Every page is its own chunk: the first load only carries the shell
// (main.tsx preloads the ones the first URL needs).
const LoginPage = lazy(loadLoginPage);
const ChatsLayout = lazy(loadChatsLayout);
const ChatView = lazy(loadChatView);
const NewChatView = lazy(loadNewChatView);
const SettingsPage = lazy(loadSettingsPage);
const NotFoundPage = lazy(loadNotFoundPage);
const SharedPage = lazy(loadSharedPage);

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
