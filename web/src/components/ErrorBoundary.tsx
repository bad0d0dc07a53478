import { Component, type ErrorInfo, type ReactNode } from 'react';
import { reportError } from '../telemetry/reportError';

interface Props {
  children: ReactNode;
  /** What to show instead of the crashed subtree. */
  fallback: (error: Error, reset: () => void) => ReactNode;
  /** Changing this resets the boundary (e.g. the route path or artifact id). */
  resetKey?: unknown;
}

interface State {
  error: Error | null;
  resetKey: unknown;
}

export class ErrorBoundary extends Component<Props, State> {
  state: State = { error: null, resetKey: this.props.resetKey };

  static getDerivedStateFromError(error: Error): Partial<State> {
    return { error };
  }

  static getDerivedStateFromProps(props: Props, state: State): Partial<State> | null {
    if (props.resetKey !== state.resetKey) return { error: null, resetKey: props.resetKey };
    return null;
  }

  componentDidCatch(error: Error, info: ErrorInfo): void {
    reportError(error, info.componentStack ?? '');
  }

  private reset = () => this.setState({ error: null });

  render() {
    if (this.state.error) return this.props.fallback(this.state.error, this.reset);
    return this.props.children;
  }
}

/** The fallback used around whole pages. */
export function PageCrash({ reset }: { reset: () => void }) {
  return (
    <div className="page-center">
      <div className="card narrow" role="alert">
        <h1 className="h2">This page ran into a problem</h1>
        <p>The error was reported. You can try again, or go back to your chats.</p>
        <div className="row gap">
          <button type="button" className="btn primary" onClick={reset}>
            Try again
          </button>
          <a className="btn" href="/chats">
            Go to chats
          </a>
        </div>
      </div>
    </div>
  );
}
