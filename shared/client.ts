// A typed client for the service table over any transport (IPC, HTTP): the renderer and
// tests call `client.listDocuments({})` and get the response type of that method.
import type { Method, QuireApi, QuireEvent, Request, Responses } from './api.ts';

export interface Transport {
  call(method: Method, request: unknown): Promise<unknown>;
  subscribe(listener: (event: QuireEvent) => void): () => void;
}

export type QuireClient = QuireApi & { subscribe: Transport['subscribe'] };

export function createClient(transport: Transport): QuireClient {
  return new Proxy({} as QuireClient, {
    get(_, name: string) {
      if (name === 'subscribe') return transport.subscribe;
      if (name === 'then') return undefined; // not a thenable
      return <M extends Method>(request: Request<M>) => transport.call(name as M, request) as Promise<Responses[M]>;
    },
  });
}

/** Error raised on the client side for a failure reported by the service. */
export class RemoteError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}
