import { useEffect, useState } from 'react';
import { githubApi } from '../api/endpoints';
import type { WorkflowRun } from '../api/types';
import { describeError } from '../api/client';
import { runTone } from './roadmap';

interface Props {
  repo: string;
  /** How often to ask for the runs; the server's poller keeps GitHub's cost down. */
  intervalMs?: number;
}

const statusText: Record<string, string> = {
  queued: 'Queued',
  running: 'In progress',
  success: 'Succeeded',
  failure: 'Failed',
  neutral: '',
};

/** The repository's workflow runs, live while shown, coloured by state. */
export function RunsPanel({ repo, intervalMs = 5000 }: Props) {
  const [runs, setRuns] = useState<WorkflowRun[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const ctrl = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Polling is the fallback where the live stream is unavailable.
    const poll = async () => {
      try {
        const r = await githubApi.runs(repo, ctrl.signal);
        setRuns(r.runs);
        setError(null);
      } catch (e) {
        if (ctrl.signal.aborted) return;
        setError(describeError(e));
      }
      if (!ctrl.signal.aborted) timer = setTimeout(poll, intervalMs);
    };
    let source: EventSource | null = null;
    if (typeof EventSource === 'function') {
      // The stream function relays every change GitHub reports, from one
      // poller per repository shared by all viewers.
      source = new EventSource(githubApi.runsEventsUrl(repo));
      source.addEventListener('runs', (e) => {
        setRuns((JSON.parse((e as MessageEvent<string>).data) as { runs: WorkflowRun[] }).runs);
        setError(null);
      });
      source.onerror = () => {
        // Closed for good (an error answer, not a dropped connection): poll.
        if (source && source.readyState === EventSource.CLOSED) {
          source = null;
          void poll();
        }
      };
    } else {
      void poll();
    }
    return () => {
      ctrl.abort();
      clearTimeout(timer);
      source?.close();
    };
  }, [repo, intervalMs]);

  return (
    <section className="runs-panel" aria-label={`Workflow runs of ${repo}`}>
      <h3 className="h4">Runs on {repo}</h3>
      {error && (
        <p className="error small" role="alert">
          {error}
        </p>
      )}
      {runs === null && !error && <p className="muted small">Loading runs…</p>}
      {runs !== null && runs.length === 0 && <p className="muted small">No workflow runs yet.</p>}
      {runs !== null && runs.length > 0 && (
        <ul className="runs-list">
          {runs.map((r) => {
            const tone = runTone(r.status, r.conclusion);
            return (
              <li key={r.id} className={`run run-${tone}`} data-run-status={tone}>
                <span className="run-dot" aria-hidden="true" />
                <a href={r.url} target="_blank" rel="noreferrer noopener">
                  {r.name} #{r.run_number}
                </a>
                <span className="small muted">
                  {r.issue ? `issue “${r.issue}”` : r.title} · {r.event} · {r.branch}
                </span>
                <span className="run-status small">{statusText[tone] || r.conclusion || r.status}</span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
