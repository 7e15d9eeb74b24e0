// What a browser server asks of its guard (token-guard.ts for desktop browser mode,
// session-gate.ts for a team server): whether a request may go on, and as whom.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Caller } from '../../shared/roles.ts';

export interface Refusal {
  status: number;
  body: { code?: string; name: string; message: string };
}

/**
 * A refusal, or who is asking: `caller` undefined is the project's owner (the desktop's own
 * page, which holds the launch token); a team server always names an account.
 */
export type Admission = Refusal | { caller: Caller | undefined };

export interface Gate {
  /** The server's own origin, once it listens (also the base for parsing request URLs). */
  readonly origin: string;
  /** The address to print for opening the app. */
  readonly url: string;
  listening(port: number): void;
  /** A promise where the answer needs the database (a team server's sessions). */
  admit(req: IncomingMessage, url: URL): Admission | Promise<Admission>;
  /** The event socket let in, with its account (a team server's), or refused (false). */
  admitSocket(req: IncomingMessage, url: URL): SocketAdmission | Promise<SocketAdmission>;
  /** Routes of its own (log-in, log-out), answered before the app's; true when it answered. */
  route?(req: IncomingMessage, res: ServerResponse, url: URL): boolean;
  /**
   * Whether those it admits are the project's owner, on their own machine (the desktop's
   * launch token), who may read an unexpected failure's message; a team server's accounts get
   * a generic one (failures.ts).
   */
  readonly revealsFailures?: boolean;
}

/** An event socket let in, and whose it is: a team server's account, none on the desktop. */
export type SocketAdmission = false | { caller: Caller | undefined };

export const isRefusal = (a: Admission): a is Refusal => 'status' in a;

/** A page on another site can rebind its own name to this server's address; its requests then carry that name as Host. */
export function hostRefusal(req: IncomingMessage, hosts: string[]): Refusal | null {
  if (hosts.includes(String(req.headers.host ?? '').toLowerCase())) return null;
  return {
    status: 403,
    body: { name: 'Forbidden', message: `Host ${String(req.headers.host ?? '(none)').slice(0, 100)} is not this server` },
  };
}
