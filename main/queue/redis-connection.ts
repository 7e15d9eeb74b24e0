// How the queue's processes reach Redis: a redis:// or rediss:// (TLS) URL, which may hold a
// user, a password and a database number (redis://user:password@host:6379/2; ioredis reads
// them), and for a server whose certificate a private CA signed, that CA. The URL is only
// ever shown with its password masked. BullMQ retries a connection for ever, which is right
// for a server that is down or restarting but not for a refused password or an untrusted
// certificate: those fail at once with what to change (refuseEarly).
import { Redis } from 'ioredis';
import { hideUrlPassword } from '../../shared/url-password.ts';

/** A Redis server and what to trust it with. */
export interface RedisTarget {
  url: string;
  /** PEM certificates of the CA that signed a rediss:// server's certificate (--redis-ca); the system's CAs otherwise. */
  ca?: string;
}

/** A Redis URL as it may be logged: its password masked (redis://:***@host:6379). */
export function redisLabel(url: string): string {
  return hideUrlPassword(url, '***') ?? 'redis (URL not shown)';
}

/** BullMQ's connection options; workers block on the connection, so requests never give up. */
export const connectionFor = (url: string, ca?: string) => ({ url, maxRetriesPerRequest: null, ...(ca ? { tls: { ca } } : {}) });

/** Node's codes of a TLS peer that could not be verified: a retry meets the same certificate. */
const CERTIFICATE =
  /^(SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_(GET_ISSUER_CERT(_LOCALLY)?|VERIFY_LEAF_SIGNATURE)|CERT_\w+|ERR_TLS_CERT_ALTNAME_INVALID)$/;

/**
 * The error of a connection that no retry can mend, said plainly, or undefined for one worth
 * retrying (a server down or restarting, a network outage).
 */
export function refusal(url: string, error: Error & { code?: string }): string | undefined {
  const where = redisLabel(url);
  if (/^WRONGPASS|invalid password/i.test(error.message))
    return `Redis at ${where} refused the user name or password in the URL (${error.message})`;
  if (/^NOAUTH/.test(error.message))
    return `Redis at ${where} needs a password: give it in the URL (redis://:PASSWORD@host:port) or in QUIRE_REDIS_PASSWORD`;
  if (error.code && CERTIFICATE.test(error.code))
    return `the TLS certificate of Redis at ${where} is not trusted (${error.message}): name the CA that signed it with --redis-ca FILE`;
  return undefined;
}

/**
 * Connects once, not retrying, and throws the refusal of a server that will not take us (a
 * wrong or missing password, an untrusted certificate), before BullMQ's clients are made:
 * those retry for ever, and closing them from inside their own error event left ioredis
 * reconnecting behind the close. A server down or unreachable passes: BullMQ waits for it.
 */
export async function refuseEarly(url: string, ca?: string): Promise<void> {
  let heard: Error | undefined;
  const client = new Redis(url, {
    ...(ca ? { tls: { ca } } : {}),
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    connectTimeout: 10_000,
  });
  client.on('error', (error: Error) => (heard ??= error));
  try {
    await client.connect();
  } catch (error) {
    const why = (heard && refusal(url, heard)) ?? refusal(url, error as Error);
    if (why) throw new Error(why);
  } finally {
    client.disconnect();
  }
}

interface Client {
  waitUntilReady(): Promise<unknown>;
}

/**
 * Resolves true once every client has connected, or false when `stop` comes first; rejects
 * after `timeoutMs` (when given) with no answer. Without a timeout it waits for a server that
 * is down.
 */
export async function whenReady(
  url: string,
  clients: readonly Client[],
  o: { timeoutMs?: number; stop?: Promise<unknown> } = {},
): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    if (o.timeoutMs !== undefined)
      timer = setTimeout(() => reject(new Error(`no answer from ${redisLabel(url)} within ${o.timeoutMs! / 1000} s`)), o.timeoutMs);
  });
  try {
    const ready = Promise.all(clients.map((c) => c.waitUntilReady())).then(() => true);
    return await Promise.race([ready, late, ...(o.stop ? [o.stop.then(() => false)] : [])]);
  } finally {
    clearTimeout(timer);
  }
}
