/**
 * The login form: the username and password are checked by calling whoami with them, and kept
 * for the tab only once the server accepted them. A wrong pair shows the server's message.
 */
import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/api-error.js';
import { whoAmI, type WhoAmI } from '../api/auth-api.js';
import { basicAuthorization } from '../api/session-credentials.js';
import { ErrorBanner } from '../components/error-banner.js';
import { Progress } from '../components/progress.js';

export function LoginPage({ onSignedIn }: { onSignedIn: (who: WhoAmI, authorization: string) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const authorization = basicAuthorization(username, password);
    setPending(true);
    setError(undefined);
    whoAmI(authorization).then(
      (who) => {
        setPending(false);
        if (who === 'unauthenticated') setError(new ApiError(401, 'UNAUTHENTICATED', 'Wrong username or password.'));
        else onSignedIn(who, authorization);
      },
      (err: unknown) => {
        setPending(false);
        setError(err);
      },
    );
  };
  return (
    <section className="login">
      <h1>Sign in</h1>
      <form className="login-form" onSubmit={submit} data-testid="login-form">
        <label>
          Username
          <input name="username" autoComplete="username" autoFocus value={username} onChange={(e) => setUsername(e.target.value)} />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        <button type="submit" disabled={pending || !username}>
          Sign in
        </button>
      </form>
      {pending && <Progress label="Signing in…" />}
      <ErrorBanner error={error} />
    </section>
  );
}
