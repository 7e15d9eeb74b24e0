// What a queue worker keeps open between the parts it is given: the stores it may open
// (AllowedStores), each opened once, and the readers of the models its parts read with:
// starting a reader (a model's session or thread pool) costs more than a part of a hundred
// lines takes to read. And the check every part starts with: its job as the store holds it.
import { UnrecoverableError } from 'bullmq';
import { parseJobConfig, type JobConfig } from '../../shared/job-configs.ts';
import { serverRunner } from '../db/pg/execute.ts';
import { openServerStore } from '../db/pg/store.ts';
import { jobRecords } from '../jobs/jobs.ts';
import { initBackend } from '../ml/backend.ts';
import { startLineReader, type LineReader } from '../ml/line-reader.ts';
import type { Recognizer } from '../ml/model.ts';
import { loadWeights, registry } from '../models/registry.ts';
import { Project } from '../project/project.ts';
import { filesStore, folderStore, type ProjectStore } from '../project/project-store.ts';
import type { AllowedStores } from './allowed-stores.ts';
import { storeLabel, type StoreRef, type TaskKind } from './tasks.ts';

/** Idle readers kept at once (each holds a model's weights and its threads). */
const KEPT_READERS = 2;

interface OpenReader {
  started: Promise<{ reader: LineReader; height: number; model: Recognizer }>;
  /** Parts reading with it now: a reader in use is never stopped under them. */
  users: number;
}

/** A store a worker has open: where its parts read and write, what tells it from others, and how it is let go. */
export interface OpenStore extends ProjectStore {
  /** One per store opened (a project folder's real path, or a server store's URL and files). */
  readonly key: string;
  /** How errors name it: never with a password. */
  readonly label: string;
  close(): Promise<void>;
}

export class OpenStores {
  private readonly stores = new Map<string, Promise<OpenStore>>();
  /** By `store#model`, least recently used first. */
  private readonly readers = new Map<string, OpenReader>();
  /** Reads run one at a time per reader: concurrent parts overlap their cropping and writing, not their reading. */
  private readonly reading = new Map<string, Promise<unknown>>();

  constructor(
    /** Threads a part reads (and a training task trains, unless its job names them) with. */
    readonly threads: number,
    private readonly allowed: AllowedStores,
  ) {}

  /**
   * The store a task names, opened only when this worker may open it (AllowedStores): a
   * project folder under its --projects, or a server store it was given by URL, with the
   * files under its --files. Kept open for the next parts.
   */
  open(ref: StoreRef): Promise<OpenStore> {
    if (ref.kind === 'sqlite') {
      const root = this.allowed.folder(ref.root);
      return this.kept(`sqlite:${root}`, async (key) => {
        const project = Project.openShared(root);
        return { ...folderStore(project), key, label: project.root, close: async () => project.close() };
      });
    }
    const { url, files } = this.allowed.server(ref);
    return this.kept(`postgres:${ref.url}#${files}`, async (key) => {
      const pool = await openServerStore(url, { existing: true });
      return { ...filesStore(serverRunner(pool), files), key, label: storeLabel(ref), close: () => pool.end() };
    });
  }

  private kept(key: string, open: (key: string) => Promise<OpenStore>): Promise<OpenStore> {
    let store = this.stores.get(key);
    if (!store) {
      store = open(key);
      this.stores.set(key, store);
      // One that failed to open (a server store unreachable for now) is tried again by the next part.
      store.catch(() => this.stores.get(key) === store && this.stores.delete(key));
    }
    return store;
  }

  /**
   * Runs `fn` with a reader of the model, started or kept from an earlier part. Beyond
   * KEPT_READERS the least recently used idle ones are stopped; one that a part is still
   * reading with is kept until it is done (parts of several models at once would otherwise
   * stop each other's readers mid-read).
   */
  async withReader<T>(store: OpenStore, modelId: number, fn: (r: { reader: LineReader; height: number }) => Promise<T>): Promise<T> {
    const key = `${store.key}#${modelId}`;
    let open = this.readers.get(key);
    if (open)
      this.readers.delete(key); // re-inserted last: the most recently used
    else {
      const started = (async () => {
        const backend = await initBackend();
        const { model, codec } = loadWeights(store.root, await store.run(registry.version(modelId)));
        return { reader: await startLineReader(model, codec, backend.name, this.threads), height: model.config.height, model };
      })();
      open = { started, users: 0 };
      started.catch(() => this.readers.get(key) === open && this.readers.delete(key));
    }
    this.readers.set(key, open);
    open.users++;
    try {
      return await fn(await open.started);
    } finally {
      open.users--;
      this.evict();
    }
  }

  private evict(): void {
    for (const [key, open] of this.readers) {
      if (this.readers.size <= KEPT_READERS) return;
      if (open.users > 0) continue;
      this.readers.delete(key);
      this.reading.delete(key);
      void stopReader(open);
    }
  }

  /** Runs `fn` after the reads already waiting on this reader. */
  serial<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const next = (this.reading.get(key) ?? Promise.resolve()).then(fn, fn);
    this.reading.set(
      key,
      next.catch(() => {}),
    );
    return next;
  }

  async close(): Promise<void> {
    for (const open of this.readers.values()) await stopReader(open);
    this.readers.clear();
    for (const store of this.stores.values()) await (await store.catch(() => undefined))?.close();
    this.stores.clear();
  }
}

/**
 * Stops a reader no part uses any more, then frees its model's weights: the tfjs reader reads
 * with the model itself, so they live as long as the reader, not a moment longer.
 */
async function stopReader(open: OpenReader): Promise<void> {
  const started = await open.started.catch(() => undefined);
  if (!started) return;
  await started.reader.stop().catch(() => {});
  started.model.dispose();
}

/** The reader with its reads queued one after another. */
export const serialReader = (stores: OpenStores, key: string, reader: LineReader): LineReader => ({
  engine: reader.engine,
  stop: () => reader.stop(),
  readLines: (...args) => stores.serial(key, () => reader.readLines(...args)),
});

/**
 * The task's job as its store's row holds it. Whoever reaches Redis can queue a task, so the
 * payload only names a job: what to do is the stored job's config. A job that is missing or
 * of another kind, or a payload naming another model, is refused, not retried: it is a mix-up
 * of stores or jobs, and a retry cannot mend it. (A training task's job is a pretrain or
 * finetune job: train-part.ts checks it.)
 */
export async function storedJob<K extends Exclude<TaskKind, 'train'>>(
  store: OpenStore,
  task: { kind: K; jobId: number; config: Record<string, unknown> },
): Promise<{ config: JobConfig<K>; where: string }> {
  const where = `job ${task.jobId} of ${store.label}`;
  let job;
  try {
    job = await store.run(jobRecords.get(task.jobId));
  } catch (error) {
    throw new UnrecoverableError(`${where}: ${(error as Error).message}`);
  }
  if (job.kind !== task.kind) throw new UnrecoverableError(`${where} is a ${job.kind} job, not the ${task.kind} job the task names`);
  const config = parseJobConfig({ ...job, kind: task.kind as K });
  const asked = parseJobConfig({ id: task.jobId, kind: task.kind as K, config: task.config });
  const model = (c: unknown) => (c as { modelId?: number }).modelId;
  if (model(asked) !== model(config))
    throw new UnrecoverableError(`${where} works with model ${model(config)}, but the task names model ${model(asked)}`);
  return { config, where };
}
