// A worker's part of a transcription job: read a chunk of lines with the job's model version
// and store the readings (read-lines.ts skips lines the job has stored, so a chunk redone
// after a worker died loses and duplicates nothing). Projects and readers are kept open
// between chunks: starting a reader (a model's session or thread pool) costs more than a
// chunk of a hundred lines takes to read.
import { UnrecoverableError } from 'bullmq';
import { parseJobConfig, type JobConfig } from '../../shared/job-configs.ts';
import { linesToReadAmong } from '../db/dataset.ts';
import { getJob } from '../jobs/jobs.ts';
import { readAndStore } from '../jobs/read-lines.ts';
import { initBackend } from '../ml/backend.ts';
import { startLineReader, type LineReader } from '../ml/line-reader.ts';
import type { Recognizer } from '../ml/model.ts';
import { loadVersion } from '../models/registry.ts';
import { Project } from '../project/project.ts';
import type { AllowedProjects } from './allowed-projects.ts';
import { decodingFor } from '../jobs/decoding-spec.ts';
import type { PartProgress, Task } from './tasks.ts';

/** Idle readers kept at once (each holds a model's weights and its threads). */
const KEPT_READERS = 2;

interface OpenReader {
  started: Promise<{ reader: LineReader; height: number; model: Recognizer }>;
  /** Parts reading with it now: a reader in use is never stopped under them. */
  users: number;
}

export class OpenStores {
  private readonly projects = new Map<string, Project>();
  /** By `root#model`, least recently used first. */
  private readonly readers = new Map<string, OpenReader>();
  /** Reads run one at a time per reader: concurrent parts overlap their cropping and writing, not their reading. */
  private readonly reading = new Map<string, Promise<unknown>>();

  constructor(
    private readonly threads: number,
    private readonly allowed: AllowedProjects,
  ) {}

  /** The project a task names, opened only under the folders this worker may open (AllowedProjects). */
  project(path: string): Project {
    const root = this.allowed.resolve(path);
    let project = this.projects.get(root);
    if (!project) {
      project = Project.openShared(root);
      this.projects.set(root, project);
    }
    return project;
  }

  /**
   * Runs `fn` with a reader of the model, started or kept from an earlier part. Beyond
   * KEPT_READERS the least recently used idle ones are stopped; one that a part is still
   * reading with is kept until it is done (parts of several models at once would otherwise
   * stop each other's readers mid-read).
   */
  async withReader<T>(project: Project, modelId: number, fn: (r: { reader: LineReader; height: number }) => Promise<T>): Promise<T> {
    const key = `${project.root}#${modelId}`;
    let open = this.readers.get(key);
    if (open)
      this.readers.delete(key); // re-inserted last: the most recently used
    else {
      const started = (async () => {
        const backend = await initBackend();
        const { model, codec } = loadVersion(project, modelId);
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
    for (const project of this.projects.values()) project.close();
    this.projects.clear();
  }
}

/**
 * The part as its store's job row allows it. Whoever reaches Redis can queue a task, so the
 * payload only names a job and lines: the model and beam are the stored job's (a payload
 * naming another model is refused, not retried: it is a mix-up of stores or jobs, and a
 * retry cannot mend it), and lines outside the job's pages are left out, so no task writes
 * readings the job was not asked for. A line deleted since it was queued is left out too.
 */
export function checkPart(project: Project, task: Task): { config: JobConfig<'transcribe'>; lineIds: number[]; outside: number } {
  const where = `job ${task.jobId} of ${project.root}`;
  let job;
  try {
    job = getJob(project, task.jobId);
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
    linesToReadAmong(project.db, task.part.lineIds)
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
  const project = stores.project(task.store.root);
  const { config, lineIds, outside } = checkPart(project, task);
  const result = await stores.withReader(project, config.modelId, ({ reader, height }) => {
    const target = { jobId: task.jobId, modelId: config.modelId, height, decoding: decodingFor(project, config) };
    return readAndStore(project, serialReader(stores, `${project.root}#${config.modelId}`, reader), target, lineIds, {
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
