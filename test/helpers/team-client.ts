// A team server's client in tests: signing in as an account whose password is NAME-password,
// and calling the API with its session cookie.
import assert from 'node:assert/strict';

/** Signs `name` in at `base` (http://host:port); answers the session cookie. */
export async function signIn(base: string, name: string): Promise<string> {
  const res = await fetch(`${base}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password: `${name}-password` }),
  });
  assert.equal(res.status, 200, `${name} signs in`);
  return res.headers.get('set-cookie')!.split(';')[0];
}

/** An API call with the session `cookie` (none: unsigned), its status and answer. */
export async function apiCall(base: string, method: string, body: unknown, cookie?: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}
