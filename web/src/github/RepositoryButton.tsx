import { useEffect, useState } from 'react';
import { describeError } from '../api/client';
import type { RepositoryContext } from '../api/types';
import { repositoryApi } from './repositoryApi';
import './repository.css';

const fmt = (n: number) => n.toLocaleString('en-US');

/**
 * Attaches a GitHub repository (and a branch) to the chat as context, and
 * shows the files the context holds and its tokens against the budget.
 */
export function RepositoryButton({ chatId }: { chatId: string }) {
  const [open, setOpen] = useState(false);
  const [ctx, setCtx] = useState<RepositoryContext | null>(null);
  const [repo, setRepo] = useState('');
  const [ref, setRef] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  // The parent keys this by chat, so a chat's state never shows in another.
  useEffect(() => {
    const ac = new AbortController();
    repositoryApi.get(chatId, ac.signal).then(
      (c) => {
        if (!ac.signal.aborted) setCtx(c);
      },
      (e: unknown) => {
        if (!ac.signal.aborted) setError(describeError(e));
      },
    );
    return () => ac.abort();
  }, [chatId]);

  const act = async (f: () => Promise<RepositoryContext | null>) => {
    setBusy(true);
    setError(null);
    try {
      setCtx(await f());
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <span className="repo-control">
      <button type="button" className="btn ghost small" aria-expanded={open} onClick={() => setOpen(!open)}>
        {ctx ? `Repository: ${ctx.repo}` : 'Repository'}
      </button>
      {open && (
        <div className="repo-panel" role="region" aria-label="Repository context">
          {ctx ? (
            <>
              <p className="small">
                {ctx.repo} @ {ctx.ref || 'default branch'} ({ctx.commit_sha.slice(0, 7)}):{' '}
                <span>
                  {fmt(ctx.tokens)} of {fmt(ctx.token_budget)} tokens
                </span>
              </p>
              <ul className="repo-files small" aria-label="Files in the context">
                {ctx.files.map((f) => (
                  <li key={f.path}>
                    <code>{f.path}</code> · {f.reason} · {fmt(f.tokens)} tokens
                  </li>
                ))}
              </ul>
              {ctx.omitted.length > 0 && <p className="small">Left out: {ctx.omitted.join(', ')}</p>}
              <button
                type="button"
                className="btn small"
                disabled={busy}
                onClick={() => void act(() => repositoryApi.refresh(chatId))}
              >
                Refresh
              </button>{' '}
              <button
                type="button"
                className="btn ghost small"
                disabled={busy}
                onClick={() => void act(() => repositoryApi.detach(chatId).then(() => null))}
              >
                Detach
              </button>
            </>
          ) : (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                void act(() => repositoryApi.attach(chatId, { repo: repo.trim(), ref: ref.trim() }));
              }}
            >
              <label>
                Repository (owner/name) <input value={repo} onChange={(e) => setRepo(e.target.value)} required />
              </label>{' '}
              <label>
                Branch <input value={ref} onChange={(e) => setRef(e.target.value)} placeholder="default" />
              </label>{' '}
              <button type="submit" className="btn small" disabled={busy || !repo.includes('/')}>
                Attach
              </button>
            </form>
          )}
          {error && (
            <p className="field-error small" role="alert">
              {error}
            </p>
          )}
        </div>
      )}
    </span>
  );
}
