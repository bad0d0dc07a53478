import { useEffect, useRef } from 'react';
import { Outlet, useLocation } from 'react-router';
import { useDrawer } from '../components/AppContexts';
import { ChatListContext } from './ChatListContext';
import { Sidebar } from './Sidebar';
import { useChatListState } from './useChatListState';

/**
 * /chats and /chats/:id: the chat list beside the open conversation; on
 * narrow screens the list is a drawer over it (CSS decides which), opened
 * from the top bar and closed by choosing a chat, the backdrop or Esc.
 */
export default function ChatsLayout() {
  const list = useChatListState();
  const { open, setOpen } = useDrawer();
  const location = useLocation();
  const drawerRef = useRef<HTMLDivElement>(null);

  // Going anywhere (a chat, a new chat) closes the drawer.
  const path = location.pathname;
  const seenPath = useRef(path);
  useEffect(() => {
    if (seenPath.current === path) return;
    seenPath.current = path;
    setOpen(false);
  }, [path, setOpen]);

  // Leaving the chats section closes it too, so it does not reopen later.
  useEffect(() => () => setOpen(false), [setOpen]);

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        setOpen(false);
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [open, setOpen]);

  return (
    <ChatListContext.Provider value={list}>
      <div className={open ? 'chats-layout drawer-open' : 'chats-layout'}>
        <div id="chat-drawer" className="chat-drawer" ref={drawerRef}>
          <Sidebar />
        </div>
        {open && (
          <button
            type="button"
            className="drawer-backdrop"
            aria-label="Close the chat list"
            tabIndex={-1}
            onClick={() => setOpen(false)}
          />
        )}
        <div className="chats-content">
          <Outlet />
        </div>
      </div>
    </ChatListContext.Provider>
  );
}
