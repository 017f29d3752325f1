/**
 * The signed-in user's access tokens: create one (name, expiry), see its secret once with a copy
 * button, list them, revoke one. A token is sent as `Authorization: Bearer <secret>`.
 */
import { useState, type FormEvent } from 'react';
import { createToken, listTokens, revokeToken } from '../../api/auth-api.js';
import { ErrorBanner } from '../../components/error-banner.js';
import { formatTime } from '../../components/format.js';
import { Progress } from '../../components/progress.js';
import { useAction } from '../../components/use-action.js';
import { useAsync } from '../../components/use-async.js';
import { useWhoAmI } from '../../auth/who-am-i-context.js';
import { NewTokenSecret } from './new-token-secret.js';

const EXPIRIES = [7, 30, 90, 365];

export function TokensPage() {
  const who = useWhoAmI();
  const [state, reload] = useAsync('tokens', (signal) => (who.auth ? listTokens(signal) : Promise.resolve([])));
  const action = useAction(reload);
  const [name, setName] = useState('');
  const [days, setDays] = useState('30');
  const [created, setCreated] = useState<{ name: string; secret: string } | undefined>(undefined);
  if (!who.auth) return <p className="empty">This server runs without authentication: no access token is needed.</p>;
  const create = (e: FormEvent) => {
    e.preventDefault();
    const tokenName = name.trim();
    setCreated(undefined);
    action.run(`Creating ${tokenName}…`, async () => {
      const answer = await createToken(tokenName, days === 'never' ? undefined : Number(days));
      setCreated({ name: answer.token.name, secret: answer.secret });
      setName('');
    });
  };
  return (
    <section>
      <h1>Access tokens</h1>
      <p className="meta">
        A token signs in scripts and the mlflow client as {who.user.username}: send it as <code>Authorization: Bearer &lt;token&gt;</code> (or set{' '}
        <code>MLFLOW_TRACKING_TOKEN</code>).
      </p>
      <form className="token-create" onSubmit={create}>
        <input aria-label="Token name" placeholder="name" value={name} onChange={(e) => setName(e.target.value)} />
        <select aria-label="Expires" value={days} onChange={(e) => setDays(e.target.value)}>
          {EXPIRIES.map((d) => (
            <option key={d} value={String(d)}>
              expires in {d} days
            </option>
          ))}
          <option value="never">never expires</option>
        </select>
        <button type="submit" disabled={!name.trim() || action.pending !== undefined}>
          Create token
        </button>
      </form>
      {created && <NewTokenSecret name={created.name} secret={created.secret} />}
      {action.pending && <Progress label={action.pending} />}
      <ErrorBanner error={action.error} />
      {state.status === 'loading' && <Progress label="Loading tokens…" />}
      {state.status === 'error' && <ErrorBanner error={state.error} />}
      {state.status === 'done' && state.value.length === 0 && <p className="empty">No tokens.</p>}
      {state.status === 'done' && state.value.length > 0 && (
        <table className="grid" data-testid="tokens">
          <thead>
            <tr>
              <th>Name</th>
              <th>Created</th>
              <th>Expires</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {state.value.map((t) => (
              <tr key={t.id} data-testid="token-row" data-token-id={t.id}>
                <td>{t.name}</td>
                <td>{formatWhen(t.created_at)}</td>
                <td>{t.expires_at === undefined || t.expires_at === null ? 'never' : formatWhen(t.expires_at)}</td>
                <td>
                  <button disabled={action.pending !== undefined} onClick={() => action.run(`Revoking ${t.name}…`, () => revokeToken(t.id))}>
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The contract leaves the time's form open: epoch milliseconds or an ISO string. */
function formatWhen(at: string | number): string {
  const ms = typeof at === 'number' ? at : /^\d+$/.test(at) ? Number(at) : Date.parse(at);
  return Number.isNaN(ms) ? String(at) : formatTime(ms);
}
