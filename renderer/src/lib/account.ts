// Who uses this window. On the desktop (Electron, or browser mode with its launch token) the
// project's owner, who may do everything. On a team server (`quire serve`) a signed-in
// account: the page asks the server at start-up, shows the log-in form when no one is signed
// in, and holds the account for the page's life (signing out reloads the page). Controls
// the account's role may not use are disabled with the reason (shared/roles.ts).
import { allows, METHOD_ROLES, refusal, ROUTE_ROLES } from '../../../shared/roles.ts';
import type { Method } from '../../../shared/api.ts';
import { AUTH_PATHS, type SignedIn } from '../../../shared/session-api.ts';

let account: SignedIn | null = null;

/** The signed-in account on a team server; null for the owner (the desktop). */
export const signedIn = (): SignedIn | null => account;

/**
 * Asks the server who is signed in: 'owner' on the desktop, the account, or 'log-in' when a
 * team server wants one first.
 */
export async function whoAmI(ownerWindow: boolean): Promise<'owner' | 'log-in' | SignedIn> {
  if (ownerWindow) return 'owner';
  const res = await fetch(AUTH_PATHS.session);
  if (res.status === 401) return 'log-in';
  if (!res.ok) throw new Error(`the server answered ${res.status}`);
  account = (await res.json()) as SignedIn;
  return account;
}

/** Signs in; the error message on refusal (wrong password, too many attempts). */
export async function logIn(name: string, password: string): Promise<SignedIn> {
  const res = await fetch(AUTH_PATHS.login, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name, password }),
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.message ?? res.statusText);
  account = body as SignedIn;
  return account;
}

export async function logOut(): Promise<void> {
  await fetch(AUTH_PATHS.logout, { method: 'POST' });
  location.reload();
}

/** Why this window may not call `method` (a control's tooltip), or null when it may. */
export function forbidden(method: Method, what: string = method): string | null {
  if (!account || allows(account.role, METHOD_ROLES[method])) return null;
  return refusal(account.role, METHOD_ROLES[method], what);
}

/** The same for the server's upload and export routes. */
export function forbiddenRoute(route: keyof typeof ROUTE_ROLES, what: string): string | null {
  if (!account || allows(account.role, ROUTE_ROLES[route])) return null;
  return refusal(account.role, ROUTE_ROLES[route], what);
}
