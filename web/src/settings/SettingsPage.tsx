import { useAuth } from '../components/AuthContext';
import { useUsage } from '../components/AppContexts';
import { formatNumber, formatTime, plural } from '../components/format';
import { useDocumentTitle } from '../components/useDocumentTitle';
import { PreferencesForm } from './PreferencesForm';
import { SessionsSection } from './SessionsSection';
import { SharesSection } from '../share/SharesSection';

function AccountSection() {
  const { user } = useAuth();
  const { usage } = useUsage();
  if (!user) return null;
  return (
    <section className="settings-section" aria-labelledby="account-heading">
      <h2 id="account-heading" className="h2">
        Account
      </h2>
      <dl className="facts">
        <div>
          <dt>GitHub user</dt>
          <dd>{user.login}</dd>
        </div>
        {user.email && (
          <div>
            <dt>Email</dt>
            <dd>{user.email}</dd>
          </div>
        )}
        <div>
          <dt>Daily limits</dt>
          <dd>
            {plural(user.limits.daily_calls, 'call')} · {plural(user.limits.daily_tokens, 'token')}
          </dd>
        </div>
        {usage && (
          <div>
            <dt>Used today</dt>
            <dd>
              {plural(usage.today.api_calls, 'call')} · {plural(usage.today.tokens_used, 'token')} (resets at{' '}
              {formatTime(usage.resets_at)})
            </dd>
          </div>
        )}
      </dl>
      {usage && usage.history.length > 0 && (
        <details className="usage-history">
          <summary>Usage in the last 30 days</summary>
          <div className="table-scroll" tabIndex={0}>
            <table>
              <caption className="visually-hidden">Daily usage, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Date</th>
                  <th scope="col">Calls</th>
                  <th scope="col">Tokens</th>
                </tr>
              </thead>
              <tbody>
                {usage.history.map((d) => (
                  <tr key={d.date}>
                    <td>{d.date}</td>
                    <td>{formatNumber(d.api_calls)}</td>
                    <td>{formatNumber(d.tokens_used)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      )}
    </section>
  );
}

export default function SettingsPage() {
  useDocumentTitle('Settings');
  return (
    <div className="settings-page">
      <h1 className="h1">Settings</h1>
      <section className="settings-section">
        <PreferencesForm />
      </section>
      <AccountSection />
      <SessionsSection />
      <SharesSection />
    </div>
  );
}
