// Password hashes with node:crypto's scrypt (a memory-hard key derivation, OWASP's choice
// when Argon2 is not at hand) and a random salt per user. The parameters are stored with the
// hash, so stronger ones can be chosen later without breaking the old hashes.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const N = 1 << 15;
const R = 8;
const P = 1;
const KEY_BYTES = 32;
/** scrypt needs 128·N·r bytes; node's default cap (32 MiB) is exactly that for N = 2¹⁵, r = 8. */
const maxmem = (n: number, r: number) => 256 * n * r;

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  const options: ScryptOptions = { N: n, r, p, maxmem: maxmem(n, r) };
  return new Promise((ok, fail) => scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (e, key) => (e ? fail(e) : ok(key))));
}

/** `scrypt$N$r$p$salt$key`, salt and key in base64. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, R, P);
  return ['scrypt', N, R, P, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, key] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const given = await derive(password, Buffer.from(salt, 'base64'), Number(n), Number(r), Number(p));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A hash no password matches, to spend the same time on an unknown name as on a known one. */
export const NO_USER_HASH = `scrypt$${N}$${R}$${P}$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(KEY_BYTES).toString('base64')}`;

/** The rule for a new password: long enough to resist guessing through the rate limit. */
export function checkNewPassword(password: string): void {
  if ([...password].length < 8) throw new Error('a password needs at least 8 characters');
  if (password.length > 1024) throw new Error('a password may have at most 1024 characters');
}
