import { formatNumber, formatTime } from '../components/format';
import { IconClose } from '../components/icons';
import type { Banner } from './chatState';

const errorTitles: Record<string, string> = {
  upstream: 'The model service failed',
  upstream_error: 'The model service failed',
  overloaded: 'The model service is overloaded',
  rate_limited: 'Too many requests',
  connection_lost: 'Connection lost',
  network: 'Connection problem',
  unavailable: 'Service unavailable',
};

interface Props {
  banner: Banner;
  onRetry?: () => void;
  onDismiss: () => void;
}

export function ChatBanner({ banner, onRetry, onDismiss }: Props) {
  if (banner.kind === 'quota') {
    const reset = banner.resetsAt ? formatTime(banner.resetsAt) : null;
    return (
      <div className="banner quota" role="alert">
        <div>
          <strong>Daily limit reached.</strong>{' '}
          {banner.limit !== undefined ? (
            <>
              You have used {formatNumber(banner.used ?? banner.limit)} of your {formatNumber(banner.limit)} daily
              allowance.
            </>
          ) : (
            banner.message
          )}{' '}
          {reset ? <>It resets at {reset}.</> : null}
        </div>
        <button type="button" className="icon-button" aria-label="Dismiss" onClick={onDismiss}>
          <IconClose />
        </button>
      </div>
    );
  }
  if (banner.kind === 'info') {
    return (
      <div className="banner info" role="status">
        <div>{banner.message}</div>
        <button type="button" className="icon-button" aria-label="Dismiss" onClick={onDismiss}>
          <IconClose />
        </button>
      </div>
    );
  }
  return (
    <div className="banner error" role="alert">
      <div>
        <strong>{errorTitles[banner.code] ?? 'Something went wrong'}.</strong> {banner.message}
      </div>
      <div className="row gap">
        {banner.retryable && onRetry && (
          <button type="button" className="btn small" onClick={onRetry}>
            Retry
          </button>
        )}
        <button type="button" className="icon-button" aria-label="Dismiss" onClick={onDismiss}>
          <IconClose />
        </button>
      </div>
    </div>
  );
}
