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
  if (opensPage(req) && !res.headersSent) return refusalPage(res, status, (body as { message?: string }).message ?? '');
  send(res, status, body);
}

/** A browser opening an address (typed, a bookmark, a tab restored), not a script asking for data. */
const opensPage = (req: IncomingMessage) => req.method === 'GET' && String(req.headers.accept ?? '').includes('text/html');

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A refusal a person reads, where a page was asked for: the browser-mode address opened
 * without its launch token (a bookmark, a tab kept from an earlier launch) showed raw JSON.
 * The tab that opened the printed address keeps the token: its script tries that once.
 */
function refusalPage(res: ServerResponse, status: number, message: string): void {
  const html = `<!doctype html><meta charset="utf-8"><title>Quire</title>
<body style="font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem">
<h1>Quire cannot open this address</h1>
<p>${escapeHtml(message)}.</p>
${
  status === 401
    ? '<p>Open the address that <code>npm start</code> printed in its terminal: it carries this launch’s token, and each launch makes a new one.</p>'
    : ''
}
<script>
const t = sessionStorage.getItem('quire-token');
const u = new URL(location.href);
if (${status === 401} && t && !u.searchParams.has('token')) { u.searchParams.set('token', t); location.replace(u); }
</script>`;
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'",
  });
  res.end(html);
}

export function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}
