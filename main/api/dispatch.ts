// The one way into the service table. Electron IPC, browser mode's HTTP server and the
// `quire` command all call through here, so a request is validated by the same schema
// (shared/api.ts) and a failure reaches every caller in the same shape: a code saying
// whose fault it was, the error's name and its message.
import {
  isMethod,
  parseRequest,
  RequestError,
  type Method,
  type ProjectApi,
  type QuireApi,
  type Responses,
  type SerializedError,
} from '../../shared/api.ts';
import type { CallResult } from '../../shared/bridge.ts';
import { allows, METHOD_ROLES, refusal, type Caller } from '../../shared/roles.ts';
import { actingAs } from '../project/author.ts';

/** A failed call, as the in-process caller (the CLI) sees it: the transports send its `serialized` form. */
export class ApiError extends Error {
  constructor(readonly serialized: SerializedError) {
    super(serialized.message);
    this.name = serialized.name;
  }
  get code() {
    return this.serialized.code;
  }
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof ApiError) return error.serialized;
  const e = error instanceof Error ? error : new Error(String(error));
  return { code: e instanceof RequestError ? 'invalid-request' : 'failed', name: e.name, message: e.message };
}

export interface Dispatcher {
  /**
   * Never throws: the answer or the error, as IPC and HTTP send them. `caller` is the
   * signed-in account of a team server, held to its role and recorded as the author of its
   * edits; without one the call is the owner's (the desktop, the CLI) and anything goes.
   * `project`: the path of the project the calling window shows (see DispatchOptions).
   */
  call(method: unknown, request: unknown, caller?: Caller, project?: string): Promise<CallResult>;
  /** The answer, or an ApiError. */
  dispatch<M extends Method>(method: M, request: unknown): Promise<Responses[M]>;
}

type Table = Partial<Record<Method, (request: never) => Promise<unknown>>>;

export interface DispatchOptions {
  /**
   * The path of the project open now, where it can change (the app: any window may open
   * another). A call naming another project is refused (project-changed) before it runs:
   * line and page ids repeat across projects, so a window still showing project A must
   * never save its text into B's line of the same id.
   */
  openProject?: () => string;
}

/**
 * The refusal of a request (`what`) from a window that shows the project `shown`, when
 * another one is `open` now; null when it may run (no project named, or the open one).
 */
export function projectChanged(what: string, shown: string | undefined, open: string | undefined): SerializedError | null {
  if (!shown || open === undefined || shown === open) return null;
  return {
    code: 'project-changed',
    name: 'ProjectChanged',
    message: `${what}: this window shows the project ${shown}, which is no longer open (${open} was opened since); nothing was changed`,
  };
}

/** Methods a window calls to learn or change which project is open: never refused as project-changed. */
const PROJECT_NEUTRAL: ReadonlySet<Method> = new Set<Method>(['projectInfo', 'openProject', 'createProject']);

/**
 * `api` is the app's whole table (which follows the open project), or one project's
 * (the CLI's), where the methods that switch projects are not served.
 */
export function createDispatcher(api: QuireApi | ProjectApi, options: DispatchOptions = {}): Dispatcher {
  const table = api as Table;
  async function call(method: unknown, request: unknown, caller?: Caller, project?: string): Promise<CallResult> {
    const handler = typeof method === 'string' && isMethod(method) ? table[method] : undefined;
    if (!handler)
      return { ok: false, error: { code: 'not-found', name: 'NotFound', message: `no API method ${String(method).slice(0, 100)}` } };
    const m = method as Method;
    if (caller && !allows(caller.role, METHOD_ROLES[m]))
      return { ok: false, error: { code: 'forbidden', name: 'Forbidden', message: refusal(caller.role, METHOD_ROLES[m], m) } };
    const changed = PROJECT_NEUTRAL.has(m) ? null : projectChanged(m, project, options.openProject?.());
    if (changed) return { ok: false, error: changed };
    try {
      const run = () => (handler as (r: unknown) => Promise<unknown>)(parseRequest(m, request));
      return { ok: true, value: await (caller ? actingAs(caller, run) : run()) };
    } catch (error) {
      return { ok: false, error: serializeError(error) };
    }
  }
  return {
    call,
    async dispatch(method, request) {
      const result = await call(method, request);
      if (!result.ok) throw new ApiError(result.error);
      return result.value as never;
    },
  };
}
