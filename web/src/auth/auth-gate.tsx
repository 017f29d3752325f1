/**
 * Asks the server who this tab is before showing any page. Authentication off: the app as it
 * always was. On, with no or bad credentials: the login page at /login?next=<this page>, which
 * returns here once signed in. A 401 from any later call (apiFetch's `aviary:signed-out`) ends
 * the session the same way, keeping the page to return to.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { SIGNED_OUT_EVENT } from '../api/api-fetch.js';
import { whoAmI, type WhoAmI } from '../api/auth-api.js';
import { forgetSessionAuthorization, keepSessionAuthorization } from '../api/session-credentials.js';
import { ErrorBanner } from '../components/error-banner.js';
import { Progress } from '../components/progress.js';
import { redirect, useLocation } from '../routing/location.js';
import { LoginPage } from './login-page.js';
import { loginUrl, safeNext } from './safe-next.js';
import { WhoAmIContext } from './who-am-i-context.js';

type Session = { status: 'loading' } | { status: 'error'; error: unknown } | { status: 'signed-out' } | { status: 'ready'; who: WhoAmI };

export function AuthGate({ children }: { children: ReactNode }) {
  const { path, query } = useLocation();
  const here = path + (query.size > 0 ? `?${query.toString()}` : '');
  const [session, setSession] = useState<Session>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    whoAmI(undefined, controller.signal).then(
      (who) => {
        if (controller.signal.aborted) return;
        if (who === 'unauthenticated') forgetSessionAuthorization();
        setSession(who === 'unauthenticated' ? { status: 'signed-out' } : { status: 'ready', who });
      },
      (error: unknown) => controller.signal.aborted || setSession({ status: 'error', error }),
    );
    return () => controller.abort();
  }, [attempt]);

  useEffect(() => {
    // Only a session that signed in can end; with authentication off a 401 is just an error.
    const ended = () => setSession((s) => (s.status === 'ready' && s.who.auth ? { status: 'signed-out' } : s));
    window.addEventListener(SIGNED_OUT_EVENT, ended);
    return () => window.removeEventListener(SIGNED_OUT_EVENT, ended);
  }, []);

  const onLogin = path === '/login';
  const leaveLogin = session.status === 'ready' && onLogin;
  const toLogin = session.status === 'signed-out' && !onLogin;
  useEffect(() => {
    if (leaveLogin) redirect(safeNext(query.get('next')));
    else if (toLogin) redirect(loginUrl(here));
  }, [leaveLogin, toLogin, here]);

  if (session.status === 'ready' && !onLogin) return <WhoAmIContext value={session.who}>{children}</WhoAmIContext>;
  return (
    <>
      <header className="top">
        <span className="brand">Aviary</span>
      </header>
      <main>
        {session.status === 'loading' && <Progress label="Connecting to the server…" />}
        {session.status === 'error' && (
          <>
            <ErrorBanner error={session.error} />
            <button onClick={() => (setSession({ status: 'loading' }), setAttempt((a) => a + 1))}>Retry</button>
          </>
        )}
        {session.status === 'signed-out' && onLogin && (
          <LoginPage
            onSignedIn={(who, authorization) => {
              keepSessionAuthorization(authorization);
              setSession({ status: 'ready', who });
            }}
          />
        )}
      </main>
    </>
  );
}
