import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { NavLink, useNavigate, useParams } from 'react-router';
import { describeError } from '../api/client';
import { chatsApi } from '../api/endpoints';
import type { Chat } from '../api/types';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { formatRelative } from '../components/format';
import { IconEdit, IconPlus, IconSearch, IconTrash } from '../components/icons';
import { Spinner } from '../components/Spinner';
import { useChatList } from './ChatListContext';
import { MessageSearchResults } from './MessageSearchResults';

export const MAX_TITLE = 200;

function RenameForm({ chat, onDone }: { chat: Chat; onDone: () => void }) {
  const { upsert } = useChatList();
  const [title, setTitle] = useState(chat.title);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    inputRef.current?.focus();
    inputRef.current?.select();
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const t = title.trim();
    if (!t) return setError('A title is required.');
    if (t.length > MAX_TITLE) return setError(`At most ${MAX_TITLE} characters.`);
    if (t === chat.title) return onDone();
    setBusy(true);
    try {
      upsert(await chatsApi.rename(chat.id, t));
      onDone();
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      onDone();
    }
  };

  return (
    <form className="rename-form" onSubmit={submit}>
      <label className="visually-hidden" htmlFor={`rename-${chat.id}`}>
        New title for {chat.title || 'Untitled chat'}
      </label>
      <input
        id={`rename-${chat.id}`}
        ref={inputRef}
        value={title}
        maxLength={MAX_TITLE}
        onChange={(e) => setTitle(e.target.value)}
        onKeyDown={onKeyDown}
        onBlur={(e) => {
          // Leaving the field for a button of this form is not a cancel.
          if (!e.currentTarget.form?.contains(e.relatedTarget as Node)) onDone();
        }}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `rename-err-${chat.id}` : undefined}
        disabled={busy}
      />
      {error && (
        <p id={`rename-err-${chat.id}`} className="field-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

export function Sidebar() {
  const { chats, loading, error, query, setQuery, hasMore, loadMore, upsert, remove, reload } = useChatList();
  const { id: openId } = useParams();
  const navigate = useNavigate();
  const [renaming, setRenaming] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<Chat | null>(null);
  const [creating, setCreating] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);

  const newChat = async () => {
    setCreating(true);
    setActionError(null);
    try {
      const chat = await chatsApi.create();
      upsert(chat);
      navigate(`/chats/${chat.id}`);
    } catch (e) {
      setActionError(describeError(e));
    } finally {
      setCreating(false);
    }
  };

  const confirmDelete = async () => {
    const chat = deleting;
    setDeleting(null);
    if (!chat) return;
    try {
      await chatsApi.remove(chat.id);
      remove(chat.id);
      if (chat.id === openId) navigate('/chats', { replace: true });
    } catch (e) {
      setActionError(describeError(e));
    }
  };

  return (
    <aside className="sidebar" aria-label="Chats">
      <div className="sidebar-head">
        <button type="button" className="btn primary block" onClick={newChat} disabled={creating}>
          <IconPlus /> New chat
        </button>
        <div className="search">
          <IconSearch />
          <label htmlFor="chat-search" className="visually-hidden">
            Search chats
          </label>
          <input
            id="chat-search"
            type="search"
            placeholder="Search chats"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            autoComplete="off"
          />
        </div>
      </div>
      {actionError && (
        <p className="alert error small" role="alert">
          {actionError}
        </p>
      )}
      <nav aria-label="Chat list" className="chat-list-nav">
        {error ? (
          <div className="alert error small" role="alert">
            {error}{' '}
            <button type="button" className="link-button" onClick={reload}>
              Retry
            </button>
          </div>
        ) : chats.length === 0 && !loading ? (
          <p className="muted small empty-list">{query ? 'No chats match your search.' : 'No chats yet.'}</p>
        ) : (
          <ul className="chat-list">
            {chats.map((chat) => (
              <li key={chat.id} className={chat.id === openId ? 'chat-item active' : 'chat-item'}>
                {renaming === chat.id ? (
                  <RenameForm chat={chat} onDone={() => setRenaming(null)} />
                ) : (
                  <>
                    <NavLink to={`/chats/${chat.id}`} className="chat-link">
                      <span className="chat-title">{chat.title || 'Untitled chat'}</span>
                      <span className="chat-time">{formatRelative(chat.updated_at)}</span>
                    </NavLink>
                    <span className="chat-actions">
                      <button
                        type="button"
                        className="icon-button"
                        aria-label={`Rename ${chat.title || 'Untitled chat'}`}
                        title="Rename"
                        onClick={() => setRenaming(chat.id)}
                      >
                        <IconEdit />
                      </button>
                      <button
                        type="button"
                        className="icon-button"
                        aria-label={`Delete ${chat.title || 'Untitled chat'}`}
                        title="Delete"
                        onClick={() => setDeleting(chat)}
                      >
                        <IconTrash />
                      </button>
                    </span>
                  </>
                )}
              </li>
            ))}
          </ul>
        )}
        {loading && <Spinner inline label="Loading chats…" />}
        {hasMore && !loading && (
          <button type="button" className="btn ghost block small" onClick={loadMore}>
            Load more
          </button>
        )}
      </nav>
      <MessageSearchResults query={query} />
      <ConfirmDialog
        open={deleting !== null}
        title="Delete this chat?"
        body={`“${deleting?.title || 'Untitled chat'}” and its messages and artifacts will be deleted for good.`}
        confirmLabel="Delete"
        danger
        onConfirm={confirmDelete}
        onCancel={() => setDeleting(null)}
      />
    </aside>
  );
}
