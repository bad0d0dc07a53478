import { useCallback, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { describeError } from '../api/client';
import { chatsApi } from '../api/endpoints';
import type { Chat } from '../api/types';
import { useAttachments } from '../attachments/useAttachments';
import { useDocumentTitle } from '../components/useDocumentTitle';
import { useChatList } from './ChatListContext';
import { Composer } from './Composer';
import { ModelPicker } from './ModelPicker';
import { setPendingMessage } from './pendingSend';
import { useVoice, useVoiceController } from '../voice/useVoice';
import { VoiceControls } from '../voice/VoiceControls';

const suggestions = [
  'Sketch a Mermaid diagram of an event-driven order pipeline',
  'Compare a modular monolith with microservices for a 6-person team',
  'Write an ADR for moving sessions from PostgreSQL to Redis',
];

const noStop = async () => undefined;

/** /chats with nothing open: the first message creates the chat. */
export default function NewChatView() {
  useDocumentTitle('Chats');
  const navigate = useNavigate();
  const { upsert } = useChatList();
  const [error, setError] = useState<string | null>(null);
  const voiceController = useVoiceController();

  // Files attached before the first message need a chat to belong to: the
  // first one creates it, and the message is then sent there.
  const chatRef = useRef<Promise<Chat> | null>(null);
  const getChat = useCallback(() => {
    chatRef.current ??= chatsApi.create().then((chat) => {
      upsert(chat);
      return chat;
    });
    chatRef.current.catch(() => {
      chatRef.current = null;
    });
    return chatRef.current.then((c) => c.id);
  }, [upsert]);
  const attachments = useAttachments(getChat);

  const start = async (content: string, attachmentIds: string[] = []): Promise<boolean> => {
    setError(null);
    try {
      const chat = chatRef.current ? await chatRef.current : await chatsApi.create();
      if (!chatRef.current) upsert(chat);
      setPendingMessage(chat.id, content, attachmentIds);
      navigate(`/chats/${chat.id}`, { state: { keepFocus: true } });
      return true;
    } catch (e) {
      setError(describeError(e));
      return false;
    }
  };

  const voice = useVoice(voiceController, { chatId: '', streaming: false, send: start, stop: noStop });

  return (
    <div className="new-chat">
      <div className="new-chat-inner">
        <h1 className="h1">What are we designing today?</h1>
        <p className="muted">
          Describe a system, paste a design, or ask for a diagram. Artifacts open beside the conversation as they
          stream.
        </p>
        {error && (
          <p className="alert error" role="alert">
            {error}
          </p>
        )}
        <Composer
          onSend={start}
          attachments={attachments}
          streaming={false}
          autoFocus
          accessory={
            <>
              <ModelPicker />
              <VoiceControls voice={voice} compact />
            </>
          }
          draft={voice.draft}
        />
        <ul className="suggestions" aria-label="Suggestions">
          {suggestions.map((s) => (
            <li key={s}>
              <button type="button" className="suggestion" onClick={() => void start(s)}>
                {s}
              </button>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
