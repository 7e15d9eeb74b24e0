// The plumbing of browser mode's HTTP routes: reading a bounded body, answering JSON, and
// the status that goes with each code of the dispatcher's errors.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorCode } from '../../shared/api.ts';
import { PayloadTooLarge } from './uploads.ts';

export const MAX_BODY = 1 << 20;

export const STATUS: Record<ErrorCode, number> = {
  'invalid-request': 400,
  'not-found': 404,
  failed: 500,
  unauthorized: 401,
  forbidden: 403,
  // A method this server does not serve (yet): a team server on PostgreSQL (server-store-api.ts).
  'not-available': 501,
  'project-changed': 409,
};

/** The body, up to `limit` bytes; past that the rest is read and dropped and PayloadTooLarge raised (413, not a reset). */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((ok, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit)
        chunks.length = 0; // keep reading, hold nothing
      else chunks.push(c);
    });
    req.on('end', () => (size > limit ? fail(new PayloadTooLarge(`request body over ${limit} bytes`)) : ok(Buffer.concat(chunks))));
    req.on('error', fail);
  });
}

/** A JSON body (an empty one is {}), or an answer of 413 or 400 already sent and undefined returned. */
export async function readJson(req: IncomingMessage, res: ServerResponse): Promise<{ body: unknown } | undefined> {
  try {
    const raw = await readBody(req, MAX_BODY);
    return { body: raw.length ? JSON.parse(raw.toString('utf8')) : {} };
  } catch (error) {
    const tooLarge = error instanceof PayloadTooLarge;
    send(res, tooLarge ? 413 : 400, { code: 'invalid-request', name: (error as Error).name, message: (error as Error).message });
    return undefined;
  }
}

/** Answers without reading the body: the body is discarded so the client reads the answer instead of a reset. */
export function refuse(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
  req.resume();
  send(res, status, body);
}

export function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}
