import { lazy, startTransition, Suspense, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { chatsApi } from '../api/endpoints';
import type { Chat } from '../api/types';
import type { StreamEvent } from '../api/types';
import { useUsage } from '../components/AppContexts';
import { useShortcuts } from '../components/shortcuts';
import { IconFile } from '../components/icons';
import { Spinner } from '../components/Spinner';
import { useDocumentTitle } from '../components/useDocumentTitle';
import { ChatBanner } from './ChatBanner';
import { ExportMenu } from './ExportMenu';
import { useChatList } from './ChatListContext';
import { isStreaming } from './chatState';
import { Composer } from './Composer';
import { ModelPicker } from './ModelPicker';
import { MessageItem } from './MessageItem';
import { takePendingMessage } from './pendingSend';
import { useAttachments } from '../attachments/useAttachments';
import { ShareButton } from '../share/ShareButton';
import { RepositoryButton } from '../github/RepositoryButton';
import { isUntitled } from './title';
import { useChatSession } from './useChatSession';
import { useVoice, useVoiceController } from '../voice/useVoice';
import { VoiceControls } from '../voice/VoiceControls';

const ArtifactPanel = lazy(() => import('../artifacts/ArtifactPanel'));

const phaseAnnouncements: Record<string, string> = {
  sending: 'Sending…',
  streaming: 'Claude is replying…',
  reconnecting: 'Connection lost. Reconnecting…',
  stopping: 'Stopping the reply…',
};

export default function ChatView() {
  const { id = '' } = useParams();
  // A search result opens its chat on the branch of the message it found:
  // the branch is chosen server-side, and the view loads anew.
  const branch = (useLocation().state as { branch?: string } | null)?.branch ?? '';
  return <ChatViewFor key={`${id}:${branch}`} chatId={id} />;
}

function ChatViewFor({ chatId }: { chatId: string }) {
  const { upsert, chats } = useChatList();
  const { refresh: refreshUsage, track: trackUsage } = useUsage();
  const [chat, setChat] = useState<Chat | null>(() => chats.find((c) => c.id === chatId) ?? null);
  useDocumentTitle(chat?.title || 'Chat');

  const refreshChat = useCallback(() => {
    chatsApi
      .get(chatId)
      .then((c) => {
        setChat(c);
        upsert(c);
      })
      .catch(() => undefined);
  }, [chatId, upsert]);
  const onReplyFinished = useCallback(() => {
    refreshUsage();
    refreshChat();
  }, [refreshChat, refreshUsage]);
  // The server names an untitled chat after its first message (one rule, in
  // chatstore.TitleFrom); once it has accepted that message, show the name.
  const untitled = isUntitled(chat?.title);
  const onReplyStarted = useCallback(() => {
    if (untitled) refreshChat();
  }, [refreshChat, untitled]);

  const voiceController = useVoiceController();
  // The usage meter counts a reply's tokens as its usage events arrive.
  const replyId = useRef('');
  const voiceOnEvent = voiceController.onStreamEvent;
  const onStreamEvent = useCallback(
    (event: StreamEvent) => {
      if (event.type === 'message_start') replyId.current = event.data.assistant_message_id;
      if (event.type === 'usage' && replyId.current)
        trackUsage(replyId.current, event.data.input_tokens + event.data.output_tokens);
      voiceOnEvent(event);
    },
    [trackUsage, voiceOnEvent],
  );
  const session = useChatSession(chatId, {
    onReplyFinished,
    onReplyStarted,
    onStreamEvent,
  });
  const { state } = session;
  const streaming = isStreaming(state);
  const send = session.send;

  const voice = useVoice(voiceController, { chatId, streaming, send, stop: session.stop });
  const getChat = useCallback(() => Promise.resolve(chatId), [chatId]);
  const attachments = useAttachments(getChat);

  // Whether the chat's own answer (its title) is in, failed or not.
  const [chatAnswered, setChatAnswered] = useState(false);
  useEffect(() => {
    const ctrl = new AbortController();
    chatsApi
      .get(chatId, ctrl.signal)
      .then(
        (c) => c,
        () => null,
      )
      .then((c) => {
        if (ctrl.signal.aborted) return;
        // With the messages' render (a transition too), so the page appears once.
        startTransition(() => {
          if (c) setChat(c);
          setChatAnswered(true);
        });
      });
    return () => ctrl.abort();
  }, [chatId]);

  // A message typed on the "new chat" screen is sent once the chat is loaded.
  const sentPending = useRef(false);
  useEffect(() => {
    if (state.phase !== 'idle' || state.loadError || sentPending.current) return;
    sentPending.current = true;
    const pending = takePendingMessage(chatId);
    if (pending) void send(pending.content, pending.attachmentIds);
  }, [state.phase, state.loadError, chatId, send]);

  const loading = state.phase === 'loading' || !chatAnswered;

  // Follow the reply while the reader is at the bottom; don't yank them back
  // if they scrolled up to read.
  const scrollRef = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  const onScroll = () => {
    const el = scrollRef.current;
    if (!el) return;
    pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
  };
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el || !pinned.current) return;
    // In the next frame, before it paints: reading scrollHeight here would
    // force a layout inside the commit (one long task on a phone); the
    // frame's own layout then does it once.
    const frame = requestAnimationFrame(() => {
      el.scrollTop = el.scrollHeight;
    });
    return () => cancelAnimationFrame(frame);
  }, [state.messages, loading]);

  const lastUserIdx = state.messages.map((m) => m.role).lastIndexOf('user');
  const last = state.messages[state.messages.length - 1];
  const canRegenerate = !streaming && last?.role === 'assistant' && lastUserIdx >= 0;
  const panelArtifact = state.panel.identifier ? state.artifacts[state.panel.identifier] : undefined;

  useShortcuts({
    stop: () => {
      if (!streaming) return false;
      void session.stop();
    },
    'toggle-panel': () => {
      if (state.panel.open) session.closePanel();
      else if (state.artifactOrder.length > 0)
        session.openArtifact(state.panel.identifier ?? state.artifactOrder[state.artifactOrder.length - 1]);
      else return false;
    },
  });

  if (state.loadError) {
    return (
      <div className="page-center">
        <div className="card narrow" role="alert">
          <h1 className="h2">{state.loadError === 'not_found' ? 'Chat not found' : 'This chat could not be loaded'}</h1>
          <p>{state.loadError === 'not_found' ? 'It may have been deleted.' : state.loadError}</p>
          <Link className="btn primary" to="/chats">
            Back to chats
          </Link>
        </div>
      </div>
    );
  }

  return (
    <div className={state.panel.open && panelArtifact ? 'chat-view with-panel' : 'chat-view'}>
      <section className="conversation" aria-labelledby="chat-title">
        <header className="conversation-head">
          <h1 id="chat-title" className="h3 conversation-title">
            {chat?.title || 'Untitled chat'}
          </h1>
          {!loading && (
            <div className="row gap">
              {state.artifactOrder.length > 0 && !state.panel.open && (
                <button
                  type="button"
                  className="btn ghost small"
                  onClick={() =>
                    session.openArtifact(state.panel.identifier ?? state.artifactOrder[state.artifactOrder.length - 1])
                  }
                >
                  <IconFile /> Artifacts ({state.artifactOrder.length})
                </button>
              )}
              <RepositoryButton key={chatId} chatId={chatId} />
              <ShareButton chatId={chatId} />
              <ExportMenu chatId={chatId} />
            </div>
          )}
        </header>
        {loading ? (
          // The header's actions and the messages appear together, in place
          // of this (keyed apart, so no element moves): shown one after the
          // other, the actions (which wrap on a phone) would push the
          // messages down, a layout shift.
          <div key="loading" className="conversation-loading page-center">
            <Spinner label="Loading conversation…" />
          </div>
        ) : (
          <div key="messages" className="messages-scroll" ref={scrollRef} onScroll={onScroll}>
            {state.messages.length === 0 ? (
              <div className="empty-conversation">
                <p className="muted">Start the conversation below.</p>
              </div>
            ) : (
              <div className="messages" role="log" aria-live="off" aria-label="Conversation">
                {state.messages.map((m, i) => (
                  <MessageItem
                    key={m.id}
                    message={m}
                    artifacts={state.artifacts}
                    canEdit={!streaming && m.role === 'user'}
                    canRegenerate={canRegenerate && i === state.messages.length - 1}
                    onEdit={session.editAndResend}
                    onRegenerate={session.regenerate}
                    onOpenArtifact={session.openArtifact}
                    onSelectSibling={streaming ? undefined : session.selectBranch}
                  />
                ))}
              </div>
            )}
          </div>
        )}
        <div className="conversation-foot">
          {state.banner && (
            <ChatBanner
              banner={state.banner}
              onDismiss={session.dismissBanner}
              onRetry={lastUserIdx >= 0 ? session.regenerate : undefined}
            />
          )}
          {state.phase === 'reconnecting' && (
            <p className="reconnecting small">
              <Spinner inline label="Reconnecting" /> Connection lost — reconnecting and resuming the reply…
            </p>
          )}
          <Composer
            onSend={send}
            attachments={attachments}
            onStop={session.stop}
            streaming={streaming}
            stopping={state.phase === 'stopping'}
            disabled={state.phase === 'loading'}
            autoFocus
            accessory={
              <>
                <ModelPicker />
                <VoiceControls voice={voice} />
              </>
            }
            draft={voice.draft}
          />
          <div className="visually-hidden" role="status" aria-live="polite">
            {phaseAnnouncements[state.phase] ?? ''}
          </div>
        </div>
      </section>
      {state.panel.open && panelArtifact && (
        <Suspense
          fallback={
            <aside className="artifact-panel" aria-label="Artifact">
              <Spinner label="Opening artifact…" />
            </aside>
          }
        >
          <ArtifactPanel
            chatId={chatId}
            artifact={panelArtifact}
            all={state.artifactOrder.map((k) => state.artifacts[k])}
            onSelect={session.openArtifact}
            onClose={session.closePanel}
          />
        </Suspense>
      )}
    </div>
  );
}
