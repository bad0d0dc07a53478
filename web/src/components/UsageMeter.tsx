import { useUsage } from './AppContexts';
import { formatCompact, formatNumber, formatTime } from './format';

/** 75 → "1:15". */
function formatSeconds(s: number): string {
  const total = Math.round(s);
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

function pct(used: number, limit: number): number {
  if (!limit || limit <= 0) return 0;
  return Math.min(100, Math.round((used / limit) * 100));
}

/** Today's calls and tokens against the daily limits, and the audio heard and spoken. */
export function UsageMeter() {
  const { usage, error } = useUsage();
  if (!usage) {
    return error ? (
      <span className="usage-meter muted small" title={error}>
        Usage unavailable
      </span>
    ) : null;
  }
  const { today, limits, resets_at } = usage;
  const callsPct = pct(today.api_calls, limits.daily_calls);
  const tokensPct = pct(today.tokens_used, limits.daily_tokens);
  const level = (p: number) => (p >= 100 ? 'full' : p >= 80 ? 'high' : 'ok');
  return (
    <section className="usage-meter" aria-label="Today’s usage" title={`Resets at ${formatTime(resets_at)}`}>
      <div className="usage-row">
        <span className="usage-label" id="usage-calls-label">
          Calls
        </span>
        <meter
          aria-labelledby="usage-calls-label"
          min={0}
          max={limits.daily_calls || 1}
          low={(limits.daily_calls || 1) * 0.8}
          high={(limits.daily_calls || 1) * 0.95}
          optimum={0}
          value={today.api_calls}
          className={`meter ${level(callsPct)}`}
        />
        <span className="usage-value">
          {formatNumber(today.api_calls)}/{formatNumber(limits.daily_calls)}
        </span>
      </div>
      <div className="usage-row">
        <span className="usage-label" id="usage-tokens-label">
          Tokens
        </span>
        <meter
          aria-labelledby="usage-tokens-label"
          min={0}
          max={limits.daily_tokens || 1}
          low={(limits.daily_tokens || 1) * 0.8}
          high={(limits.daily_tokens || 1) * 0.95}
          optimum={0}
          value={today.tokens_used}
          className={`meter ${level(tokensPct)}`}
        />
        <span className="usage-value">
          {formatCompact(today.tokens_used)}/{formatCompact(limits.daily_tokens)}
        </span>
      </div>
      <div className="usage-row">
        <span className="usage-label">Audio</span>
        <span className="usage-value" title="Speech the studio heard and spoke today">
          {formatSeconds(today.audio_in_seconds ?? 0)} in · {formatSeconds(today.audio_out_seconds ?? 0)} out
        </span>
      </div>
    </section>
  );
}
