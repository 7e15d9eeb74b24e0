// What a failure tells the client. Most errors are raised for the user to read ("no line 7",
// "line 3 carries a transcription: confirm to delete it", a refused file named with its
// problem): they are sent as they are. An unexpected one (a bug, the disk, the database) can
// name the server's paths, its SQL or its code in its message: a team server answers those
// with a generic message and logs them, with the method, for its administrator. The desktop's
// own server (loopback, launch token) answers its owner, whose machine it is: the message
// helps there and is shown.
import type { SerializedError } from '../../shared/api.ts';
import { ApiError, serializeError } from '../api/dispatch.ts';

export const SERVER_FAILED = 'the server failed; see its log';

/** JavaScript's own errors: thrown by the runtime at a bug, never by Quire's code for the user. */
const BUGS = [TypeError, ReferenceError, RangeError, SyntaxError, EvalError, URIError, AggregateError];

/**
 * Whether `error` is a fault of the server rather than a message for the user: not an Error,
 * one of the runtime's bug errors, or one from the system or a database (they carry a `code`,
 * `errno` or `syscall`: node's ENOENT naming a path, SQLite's SQLITE_*, PostgreSQL's SQLSTATE).
 */
export function isUnexpected(error: unknown): boolean {
  if (error instanceof ApiError) return false;
  if (!(error instanceof Error)) return true;
  if (BUGS.some((bug) => error instanceof bug)) return true;
  const e = error as Error & { code?: unknown; errno?: unknown; syscall?: unknown };
  return typeof e.code === 'string' || typeof e.errno === 'number' || typeof e.syscall === 'string' || e.name === 'SqliteError';
}

/** Raised in place of an unexpected error on a team server: what the client is told. */
export class ServerFailed extends Error {
  override name = 'InternalError';
  constructor() {
    super(SERVER_FAILED);
  }
}

/** Logs an unexpected failure where the server's administrator reads it. */
export function logFailure(where: string, error: unknown): void {
  console.error(`quire serve: ${where} failed:`, error);
}

/**
 * The answer to a failure of `where` (a method, a route): the error itself when it is meant
 * for the user or `reveal` (the desktop's owner), else the generic one, the error logged.
 */
export function failureAnswer(where: string, error: unknown, reveal: boolean): SerializedError {
  if (reveal || !isUnexpected(error)) return serializeError(error);
  logFailure(where, error);
  return serializeError(new ServerFailed());
}

/**
 * A team server's API table whose methods raise ServerFailed in place of an unexpected error
 * (logged with the method's name); the dispatcher then sends it as it sends any failure.
 */
export function hidingFailures<T extends object>(table: T): T {
  const hidden: Record<string, (request: never) => Promise<unknown>> = {};
  for (const [method, handler] of Object.entries(table) as Array<[string, unknown]>) {
    if (typeof handler !== 'function') continue;
    hidden[method] = async (request: never) => {
      try {
        return await (handler as (r: never) => Promise<unknown>)(request);
      } catch (error) {
        if (!isUnexpected(error)) throw error;
        logFailure(method, error);
        throw new ServerFailed();
      }
    };
  }
  return hidden as T;
}
