import { Outlet } from 'react-router';
import { ChatListContext } from './ChatListContext';
import { Sidebar } from './Sidebar';
import { useChatListState } from './useChatListState';

/** /chats and /chats/:id: the chat list beside the open conversation. */
export default function ChatsLayout() {
  const list = useChatListState();
  return (
    <ChatListContext.Provider value={list}>
      <div className="chats-layout">
        <Sidebar />
        <div className="chats-content">
          <Outlet />
        </div>
      </div>
    </ChatListContext.Provider>
  );
}
