// Parsers of CLI option values, shared by every command. A refused value is commander's
// InvalidArgumentError, so it exits 2 with the option named, like a value outside an
// option's choices (main.ts), instead of becoming NaN further down.
import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';

export const int =
  (name: string, min = 1) =>
  (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be a whole number ≥ ${min}`);
    return n;
  };

export const fraction =
  (name: string) =>
  (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1)
      throw new InvalidArgumentError(`${name} must be a number from 0 to 1`);
    return n;
  };

/** A model version id, or "base" for the model that ships with Quire. */
export const modelRef = (value: string): number | 'base' => (value === 'base' ? 'base' : int('model id')(value));

/** A variadic option of ids (`--pages 3 4 5`): each a whole number ≥ 1. */
export const intList =
  (name: string) =>
  (value: string, previous: number[] = []): number[] => [...previous, int(name)(value)];

/**
 * A Redis URL (redis:// or rediss:// for TLS), for the distributed jobs' queue. It may hold a
 * password; one left out of it is taken from QUIRE_REDIS_PASSWORD, so that it need not be an
 * argument (the process list and the shell history show those). A refused value is not
 * echoed: it may hold the password (exit 2 all the same, main.ts).
 */
export const redisUrl = (value: string): string => {
  // A plain Error, not commander's InvalidArgumentError, whose message repeats the value.
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`--redis must be a URL such as redis://host:6379 or redis://:PASSWORD@host:6379`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new Error(`--redis must be a redis:// or rediss:// URL`);
  const password = process.env.QUIRE_REDIS_PASSWORD;
  if (url.password || !password) return value;
  url.password = encodeURIComponent(password);
  return url.toString();
};

/** --redis-ca FILE: the PEM certificates of the CA that signed a TLS Redis server's certificate. */
export const redisCa = (file: string): string => {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InvalidArgumentError(`--redis-ca ${file} cannot be read: ${(error as Error).message}`);
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) throw new InvalidArgumentError(`--redis-ca ${file} holds no PEM certificate`);
  return text;
};

/** A CA is for a TLS connection: with a redis:// URL it would silently turn TLS on, or be ignored. */
export function checkRedisCa(url: string | undefined, ca: string | undefined): void {
  if (ca && !url?.startsWith('rediss://')) throw new Error('--redis-ca is for a TLS server: give a rediss:// URL with --redis');
}

/** A repeatable option of folders, each also a comma-separated list (`--projects a,b --projects c`). */
export const folderList = (value: string, previous: string[] = []): string[] => [
  ...previous,
  ...value
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean),
];
