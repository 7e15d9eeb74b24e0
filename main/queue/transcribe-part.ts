// A worker's part of a transcription job: read a chunk of lines with the job's model version
// and store the readings (read-lines.ts skips lines the job has stored, so a chunk redone
// after a worker died loses and duplicates nothing). Projects and readers are kept open
// between chunks: starting a reader (a model's session or thread pool) costs more than a
// chunk of a hundred lines takes to read.
import { UnrecoverableError } from 'bullmq';
import { parseJobConfig, type JobConfig } from '../../shared/job-configs.ts';
import { dataset } from '../db/dataset.ts';
import { serverRunner } from '../db/pg/execute.ts';
import { openServerStore } from '../db/pg/store.ts';
import { jobRecords } from '../jobs/jobs.ts';
import { readAndStore } from '../jobs/read-lines.ts';
import { initBackend } from '../ml/backend.ts';
import { startLineReader, type LineReader } from '../ml/line-reader.ts';
import type { Recognizer } from '../ml/model.ts';
import { loadWeights, registry } from '../models/registry.ts';
import { Project } from '../project/project.ts';
import { filesStore, folderStore, type ProjectStore } from '../project/project-store.ts';
import type { AllowedStores } from './allowed-stores.ts';
import { decodingOp } from '../jobs/decoding-spec.ts';
import { storeLabel, type PartProgress, type StoreRef, type Task } from './tasks.ts';

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
    private readonly threads: number,
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
 * The part as its store's job row allows it. Whoever reaches Redis can queue a task, so the
 * payload only names a job and lines: the model and beam are the stored job's (a payload
 * naming another model is refused, not retried: it is a mix-up of stores or jobs, and a
 * retry cannot mend it), and lines outside the job's pages are left out, so no task writes
 * readings the job was not asked for. A line deleted since it was queued is left out too.
 */
export async function checkPart(
  store: OpenStore,
  task: Task,
): Promise<{ config: JobConfig<'transcribe'>; lineIds: number[]; outside: number }> {
  const where = `job ${task.jobId} of ${store.label}`;
  let job;
  try {
    job = await store.run(jobRecords.get(task.jobId));
  } catch (error) {
    throw new UnrecoverableError(`${where}: ${(error as Error).message}`);
  }
  if (job.kind !== 'transcribe') throw new UnrecoverableError(`${where} is a ${job.kind} job, not the transcription the task names`);
  const config = parseJobConfig({ ...job, kind: 'transcribe' });
  const asked = parseJobConfig({ id: task.jobId, kind: 'transcribe', config: task.config });
  if (asked.modelId !== config.modelId)
    throw new UnrecoverableError(`${where} reads with model ${config.modelId}, but the task names model ${asked.modelId}`);
  // Only the part's own lines are looked up: a part is a sliver of a project that may hold millions.
  const ofJob = new Set(
    (await store.run(dataset.linesToReadAmong(task.part.lineIds)))
      .filter((l) => !config.pageIds || config.pageIds.includes(l.page_id))
      .map((l) => l.id),
  );
  const lineIds = task.part.lineIds.filter((id) => ofJob.has(id));
  return { config, lineIds, outside: task.part.lineIds.length - lineIds.length };
}

export async function transcribePart(
  stores: OpenStores,
  task: Task,
  onProgress: (p: PartProgress) => Promise<void>,
): Promise<{ written: number; skipped: number }> {
  const store = await stores.open(task.store);
  const { config, lineIds, outside } = await checkPart(store, task);
  const decoding = await store.run(decodingOp(config));
  const result = await stores.withReader(store, config.modelId, ({ reader, height }) => {
    const target = { jobId: task.jobId, modelId: config.modelId, height, decoding };
    return readAndStore(store, serialReader(stores, `${store.key}#${config.modelId}`, reader), target, lineIds, {
      onBatch: (done, of) => onProgress({ done, of }),
    });
  });
  // Lines left out count as not read by this part, as lines read before do.
  return { written: result.written.length, skipped: result.skipped + outside };
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
const serialReader = (stores: OpenStores, key: string, reader: LineReader): LineReader => ({
  engine: reader.engine,
  stop: () => reader.stop(),
  readLines: (...args) => stores.serial(key, () => reader.readLines(...args)),
});
