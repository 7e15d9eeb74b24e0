// A team server's log-in routes (main/transport/auth-routes.ts), beside the API: the renderer
// signs in with POST /auth/login, asks who it is with GET /auth/session, and signs out with
// POST /auth/logout. The session itself travels in an HttpOnly cookie the page never reads.
import { z } from './zod.ts';
import type { Role } from './roles.ts';

export const AUTH_PATHS = { login: '/auth/login', logout: '/auth/logout', session: '/auth/session' } as const;

export const loginSchema = z.object({ name: z.string().min(1).max(200), password: z.string().min(1).max(1024) }).strict();
export type LogIn = z.infer<typeof loginSchema>;

/** Who is signed in (the answer of log-in and of /auth/session). */
export interface SignedIn {
  name: string;
  role: Role;
}
