import { useState } from 'react';
import { useNavigate } from 'react-router';
import { describeError } from '../api/client';
import { chatsApi } from '../api/endpoints';
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

  const start = async (content: string): Promise<boolean> => {
    setError(null);
    try {
      const chat = await chatsApi.create();
      upsert(chat);
      setPendingMessage(chat.id, content);
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
