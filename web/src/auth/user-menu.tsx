/** "Signed in as X · Access tokens · Sign out" in the header; nothing when authentication is off. */
import { Link } from '../routing/link.js';
import { paths } from '../routing/paths.js';
import { signOut } from './sign-out.js';
import { useWhoAmI } from './who-am-i-context.js';

export function UserMenu() {
  const who = useWhoAmI();
  if (!who.auth) return null;
  return (
    <span className="user-menu" data-testid="user-menu">
      Signed in as <strong data-testid="username">{who.user.username}</strong>
      {who.user.is_admin && ' (admin)'} · <Link to={paths.tokens()}>Access tokens</Link> ·{' '}
      <button className="link-button" onClick={signOut}>
        Sign out
      </button>
    </span>
  );
}
