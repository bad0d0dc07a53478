import { createContext, useContext } from 'react';
import type { Chat } from '../api/types';

export interface ChatListValue {
  chats: Chat[];
  loading: boolean;
  error: string | null;
  query: string;
  setQuery: (q: string) => void;
  hasMore: boolean;
  loadMore: () => void;
  reload: () => void;
  /** Insert or update a chat (new, renamed, or touched by a reply). */
  upsert: (chat: Chat) => void;
  remove: (id: string) => void;
}

export const ChatListContext = createContext<ChatListValue | null>(null);

export function useChatList(): ChatListValue {
  const v = useContext(ChatListContext);
  if (!v) throw new Error('useChatList must be used inside ChatsLayout');
  return v;
}
