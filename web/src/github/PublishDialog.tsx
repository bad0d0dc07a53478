import { useEffect, useId, useRef, useState } from 'react';
import { ApiError, describeError } from '../api/client';
import { authApi, githubApi } from '../api/endpoints';
import type { GitHubAccount, GitHubRepo, Providers, PublishResult } from '../api/types';
import { parseLabels } from './roadmap';
import { RunsPanel } from './RunsPanel';

interface Props {
  artifactId: string;
  version: number;
  onClose: () => void;
}

/** What the server said is missing before publishing can work. */
type Blocker =
  { kind: 'signin'; githubAvailable: boolean } | { kind: 'reauth' } | { kind: 'scope'; scope: string } | null;

function blockerOf(account: GitHubAccount | null, providers: Providers | null): Blocker {
  if (!account) return null;
  if (account.revoked) return { kind: 'reauth' };
  if (!account.connected) return { kind: 'signin', githubAvailable: !!providers?.github };
  if (!account.can_publish) return { kind: 'scope', scope: 'public_repo' };
  return null;
}

/**
 * Publishes a roadmap artifact as GitHub issues: pick a repository, preview
 * the issues exactly as they will be created (a dry run, which works without
 * GitHub), then publish and follow the workflow runs they start.
 */
export default function PublishDialog({ artifactId, version, onClose }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const repoId = useId();
  const reposListId = useId();
  const labelsId = useId();
  const mentionId = useId();
  const [account, setAccount] = useState<GitHubAccount | null>(null);
  const [providers, setProviders] = useState<Providers | null>(null);
  const [repo, setRepo] = useState('');
  const [repos, setRepos] = useState<GitHubRepo[]>([]);
  const [mention, setMention] = useState(true);
  const [labelsText, setLabelsText] = useState('');
  const [preview, setPreview] = useState<PublishResult | null>(null);
  const [result, setResult] = useState<PublishResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  // What the last publish was refused for; until then, what the account lacks.
  const [refusal, setBlocker] = useState<Blocker>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) {
      if (typeof d.showModal === 'function') d.showModal();
      else d.setAttribute('open', '');
    }
  }, []);

  useEffect(() => {
    const ctrl = new AbortController();
    githubApi
      .account(ctrl.signal)
      .then((a) => setAccount(a))
      .catch(() =>
        setAccount({ connected: false, revoked: false, scopes: [], can_publish: false, can_dispatch: false }),
      );
    authApi
      .providers()
      .then(setProviders)
      .catch(() => setProviders(null));
    return () => ctrl.abort();
  }, []);

  const blocker = refusal ?? blockerOf(account, providers);

  // The searchable repository list, once GitHub can be used.
  const connected = !!account?.connected && !account.revoked;
  useEffect(() => {
    if (!connected) return;
    const ctrl = new AbortController();
    const t = setTimeout(() => {
      githubApi
        .repos(repo.includes('/') ? repo.split('/')[1] : repo, 1, ctrl.signal)
        .then((p) => setRepos(p.repos))
        .catch(() => setRepos([]));
    }, 250);
    return () => {
      clearTimeout(t);
      ctrl.abort();
    };
  }, [connected, repo]);

  // The preview is a dry run: exactly the issues publishing would create.
  const labels = parseLabels(labelsText);
  const labelsKey = labels.join('\n');
  const validRepo = /^[A-Za-z0-9-]+\/[A-Za-z0-9_.-]+$/.test(repo);
  useEffect(() => {
    const ctrl = new AbortController();
    const t = setTimeout(() => {
      githubApi
        .publish(
          {
            artifact_id: artifactId,
            version,
            repo: validRepo ? repo : '',
            mention_claude: mention,
            labels: labelsKey ? labelsKey.split('\n') : [],
            dry_run: true,
          },
          ctrl.signal,
        )
        .then((p) => {
          setPreview(p);
          setError(null);
        })
        .catch((e) => {
          if (!ctrl.signal.aborted) setError(describeError(e));
        });
    }, 200);
    return () => {
      clearTimeout(t);
      ctrl.abort();
    };
  }, [artifactId, version, repo, validRepo, mention, labelsKey]);

  const publish = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await githubApi.publish({
        artifact_id: artifactId,
        version,
        repo,
        mention_claude: mention,
        labels,
        dry_run: false,
      });
      setResult(r);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'github_scope_required') {
        setBlocker({ kind: 'scope', scope: String(e.details.scope ?? 'public_repo') });
      } else if (e instanceof ApiError && e.code === 'github_reauth_required') {
        setBlocker({ kind: 'reauth' });
      } else if (e instanceof ApiError && e.code === 'github_signin_required') {
        setBlocker({ kind: 'signin', githubAvailable: !!providers?.github });
      }
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  const here = window.location.pathname + window.location.search;
  const close = () => {
    ref.current?.close?.();
    onClose();
  };

  return (
    <dialog
      ref={ref}
      className="dialog dialog-wide publish-dialog"
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        close();
      }}
    >
      <h2 id={titleId} className="h3">
        Publish to GitHub
      </h2>

      {blocker?.kind === 'signin' && (
        <div className="notice" role="status">
          <p>
            <strong>GitHub sign-in is needed to publish.</strong> You signed in without GitHub, so the studio has no
            GitHub account to create issues with. The preview below still shows what would be created.
          </p>
          {blocker.githubAvailable && (
            <a className="btn small" href={authApi.githubUrl(here)}>
              Sign in with GitHub
            </a>
          )}
        </div>
      )}
      {blocker?.kind === 'reauth' && (
        <div className="notice" role="status">
          <p>GitHub no longer accepts your sign-in. Sign in with GitHub again to publish.</p>
          <a className="btn small" href={authApi.githubUrl(here)}>
            Sign in with GitHub again
          </a>
        </div>
      )}
      {blocker?.kind === 'scope' && (
        <div className="notice" role="status">
          <p>
            Publishing needs GitHub&apos;s <code>{blocker.scope}</code> permission, which your sign-in has not granted.
          </p>
          <div className="row gap">
            {blocker.scope !== 'repo' && (
              <a className="btn small" href={authApi.githubUpgradeUrl(['public_repo', 'workflow'], here)}>
                Allow public repositories
              </a>
            )}
            <a className="btn small" href={authApi.githubUpgradeUrl(['repo', 'workflow'], here)}>
              Allow public and private repositories
            </a>
          </div>
        </div>
      )}

      {!result && (
        <div className="publish-form">
          <label htmlFor={repoId}>Repository</label>
          <input
            id={repoId}
            type="search"
            list={reposListId}
            placeholder="owner/name"
            autoComplete="off"
            value={repo}
            onChange={(e) => setRepo(e.target.value.trim())}
          />
          <datalist id={reposListId}>
            {repos.map((r) => (
              <option key={r.full_name} value={r.full_name}>
                {r.private ? 'private' : 'public'}
              </option>
            ))}
          </datalist>
          <label htmlFor={labelsId}>Labels (comma-separated)</label>
          <input
            id={labelsId}
            type="text"
            placeholder="roadmap"
            value={labelsText}
            onChange={(e) => setLabelsText(e.target.value)}
          />
          <label className="row gap" htmlFor={mentionId}>
            <input id={mentionId} type="checkbox" checked={mention} onChange={(e) => setMention(e.target.checked)} />
            Mention @claude at the end of each issue
          </label>
        </div>
      )}

      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}

      {result ? (
        <div className="publish-result" role="status">
          <p>
            {result.created_count > 0
              ? `Created ${result.created_count} issue${result.created_count === 1 ? '' : 's'} on ${result.repo}.`
              : `Already published to ${result.repo}; nothing new was created.`}
          </p>
          <ol className="published-issues">
            {result.issues.map((is) => (
              <li key={is.position}>
                <a href={is.url} target="_blank" rel="noreferrer noopener">
                  #{is.number} {is.title}
                </a>
              </li>
            ))}
          </ol>
          <RunsPanel repo={result.repo} />
        </div>
      ) : (
        preview && (
          <section className="publish-preview" aria-label="Issues to create">
            <h3 className="h4">
              {preview.issues.length} issue{preview.issues.length === 1 ? '' : 's'}
            </h3>
            <ol>
              {preview.issues.map((is) => (
                <li key={is.position} className="preview-issue">
                  <div className="row gap wrap">
                    <strong className="preview-title">{is.title}</strong>
                    {is.labels.map((l) => (
                      <span key={l} className="label-chip">
                        {l}
                      </span>
                    ))}
                    {is.number ? <span className="small muted">exists as #{is.number}</span> : null}
                  </div>
                  <details>
                    <summary className="small">Body</summary>
                    <pre className="preview-body">{is.body}</pre>
                  </details>
                </li>
              ))}
            </ol>
          </section>
        )
      )}

      <div className="row gap end">
        <button type="button" className="btn" onClick={close}>
          {result ? 'Close' : 'Cancel'}
        </button>
        {!result && (
          <button
            type="button"
            className="btn primary"
            onClick={() => void publish()}
            disabled={busy || !validRepo || blocker !== null || !preview}
          >
            {busy ? 'Publishing…' : 'Publish'}
          </button>
        )}
      </div>
    </dialog>
  );
}
