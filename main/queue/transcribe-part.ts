// A worker's part of a transcription job: read a chunk of lines with the job's model version
// and store the readings (read-lines.ts skips lines the job has stored, so a chunk redone
// after a worker died loses and duplicates nothing). Projects and readers are kept open
// between chunks: starting a reader (a model's session or thread pool) costs more than a
// chunk of a hundred lines takes to read.
import { parseJobConfig } from '../../shared/job-configs.ts';
import { readAndStore } from '../jobs/read-lines.ts';
import { initBackend } from '../ml/backend.ts';
import { startLineReader, type LineReader } from '../ml/line-reader.ts';
import { loadVersion } from '../models/registry.ts';
import { Project } from '../project/project.ts';
import type { PartProgress, Task } from './tasks.ts';

/** Readers kept at once (each holds a model's weights and its threads). */
const KEPT_READERS = 2;

export class OpenStores {
  private readonly projects = new Map<string, Project>();
  private readonly readers = new Map<string, Promise<{ reader: LineReader; height: number }>>();
  /** Reads run one at a time per reader: concurrent parts overlap their cropping and writing, not their reading. */
  private readonly reading = new Map<string, Promise<unknown>>();

  constructor(private readonly threads: number) {}

  project(root: string): Project {
    let project = this.projects.get(root);
    if (!project) {
      project = Project.openShared(root);
      this.projects.set(root, project);
    }
    return project;
  }

  reader(project: Project, modelId: number): Promise<{ reader: LineReader; height: number }> {
    const key = `${project.root}#${modelId}`;
    let entry = this.readers.get(key);
    if (!entry) {
      entry = (async () => {
        const backend = await initBackend();
        const { model, codec } = loadVersion(project, modelId);
        // The tfjs reader reads with this model on the calling thread too: it is not disposed.
        return { reader: await startLineReader(model, codec, backend.name, this.threads), height: model.config.height };
      })();
      entry.catch(() => this.readers.delete(key));
      this.readers.set(key, entry);
      while (this.readers.size > KEPT_READERS) {
        const [oldest, stale] = this.readers.entries().next().value!;
        this.readers.delete(oldest);
        void stale.then(({ reader }) => reader.stop()).catch(() => {});
      }
    }
    return entry;
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
    for (const entry of this.readers.values()) await entry.then(({ reader }) => reader.stop()).catch(() => {});
    this.readers.clear();
    for (const project of this.projects.values()) project.close();
    this.projects.clear();
  }
}

export async function transcribePart(
  stores: OpenStores,
  task: Task,
  onProgress: (p: PartProgress) => Promise<void>,
): Promise<{ written: number; skipped: number }> {
  // The config as the job stored it, checked as the local worker checks it.
  const { modelId, beamWidth } = parseJobConfig({ id: task.jobId, kind: 'transcribe', config: task.config });
  const project = stores.project(task.store.root);
  const { reader, height } = await stores.reader(project, modelId);
  const target = { jobId: task.jobId, modelId, height, beamWidth: beamWidth ?? 1 };
  const result = await readAndStore(project, serialReader(stores, `${project.root}#${modelId}`, reader), target, task.part.lineIds, {
    onBatch: (done, of) => onProgress({ done, of }),
  });
  return { written: result.written.length, skipped: result.skipped };
}

/** The reader with its reads queued one after another. */
const serialReader = (stores: OpenStores, key: string, reader: LineReader): LineReader => ({
  engine: reader.engine,
  stop: () => reader.stop(),
  readLines: (...args) => stores.serial(key, () => reader.readLines(...args)),
});
