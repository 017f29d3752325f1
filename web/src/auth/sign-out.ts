import { SIGNED_OUT_EVENT } from '../api/api-fetch.js';
import { forgetSessionAuthorization } from '../api/session-credentials.js';
import { redirect } from '../routing/location.js';

/** Forgets this tab's credentials and shows the login page (to return to the start page). */
export function signOut(): void {
  forgetSessionAuthorization();
  redirect('/login');
  window.dispatchEvent(new Event(SIGNED_OUT_EVENT));
}
