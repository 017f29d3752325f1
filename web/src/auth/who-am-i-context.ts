/** Who is signed in (or that authentication is off), for any page that hides what the user may not do. */
import { createContext, useContext } from 'react';
import type { WhoAmI } from '../api/auth-api.js';

export const WhoAmIContext = createContext<WhoAmI>({ auth: false });

export function useWhoAmI(): WhoAmI {
  return useContext(WhoAmIContext);
}
