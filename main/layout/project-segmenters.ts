// Segmenters fine-tuned in a project (jobs/segmenter-training.ts) as "Find lines" offers
// them: each is named by its job, "project:<jobId>" (shared/segmenter-options.ts), and only
// the server turns that name into a file, <project>/segmenters/job-<id>.qseg, of a job that
// finished. A window can so never make the app load a file outside the project. On either
// store (ProjectStore): a project folder, or a team server's store with its shared folder of
// files, where the queue workers that find lines resolve the name the same way.
import { existsSync, realpathSync } from 'node:fs';
import { join, relative, isAbsolute, resolve } from 'node:path';
import type { ProjectSegmenter } from '../../shared/workbench-api.ts';
import { projectSegmenterChoice, projectSegmenterJob } from '../../shared/segmenter-options.ts';
import { jobs } from '../db/jobs.ts';
import type { Project } from '../project/project.ts';
import { folderStore, type ProjectStore } from '../project/project-store.ts';
import { BUNDLED_SEGMENTER_FILE, modelSegmenter, resolveSegmenter, type Segmenter } from './segmenters.ts';

/** Where a segmenter job writes its model unless told otherwise: under the project's folder (`root`, or a store's files). */
export const projectSegmenterFile = (project: Project | { root: string }, jobId: number) =>
  join(project.root, 'segmenters', `job-${jobId}.qseg`);

/** The job's model is there and really inside the project: a link in segmenters/ pointing elsewhere counts as missing. */
function inProject(root: string, jobId: number): boolean {
  const file = projectSegmenterFile({ root }, jobId);
  if (!existsSync(file)) return false;
  const rel = relative(realpathSync(root), realpathSync(file));
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/** Finished segmenter jobs whose model is in the project's segmenters folder, newest first. */
export async function projectSegmentersAt(store: ProjectStore): Promise<ProjectSegmenter[]> {
  const rows = await store.run(jobs.doneSegmenterJobs());
  return rows
    .filter((r) => inProject(store.root, r.id))
    .map((r) => {
      const p = JSON.parse(r.progress) as { pages?: unknown; step?: unknown };
      const count = (v: unknown) => (typeof v === 'number' ? v : null);
      return { choice: projectSegmenterChoice(r.id), jobId: r.id, finishedAt: r.updated_at, pages: count(p.pages), steps: count(p.step) };
    });
}

export const listProjectSegmenters = (project: Project): Promise<ProjectSegmenter[]> => projectSegmentersAt(folderStore(project));

/** The model file of "project:<jobId>", checked: a finished segmenter job of this project, its file inside the project. */
export async function projectSegmenterModel(store: ProjectStore, jobId: number): Promise<string> {
  const job = await store.run(jobs.jobRow(jobId));
  if (!job || job.kind !== 'segment') throw new Error(`no segmenter was fine-tuned by job ${jobId} in this project`);
  if (job.state !== 'done') throw new Error(`segmenter job ${jobId} is ${job.state}: it has no model to segment with`);
  if (!inProject(store.root, jobId))
    throw new Error(`the model of segmenter job ${jobId} is missing from ${join(store.root, 'segmenters')}`);
  return projectSegmenterFile(store, jobId);
}

/** resolveSegmenter, knowing the project's fine-tuned segmenters by name (a project folder, or a store with its files). */
export async function resolveProjectSegmenter(project: Project | ProjectStore, choice: string | undefined): Promise<Segmenter> {
  const jobId = choice === undefined ? null : projectSegmenterJob(choice);
  if (jobId === null) return resolveSegmenter(choice);
  const store = 'run' in project ? project : folderStore(project);
  return modelSegmenter(choice!, await projectSegmenterModel(store, jobId));
}

/**
 * The model a team server's segmenter job starts from (`from` as the job's config names it):
 * the bundled segmenter, or one fine-tuned in the project, named by its file in the store's
 * segmenters/ (`segmenters/job-<id>.qseg`, or that file's full path). Any other file is
 * refused: a window never makes the server (or its workers) read a file it names. The server
 * checks it before queuing; each worker resolves it again under its own files' folder.
 */
export async function baseSegmenterAt(store: ProjectStore, from: string | undefined): Promise<string> {
  if (from === undefined) {
    if (!existsSync(BUNDLED_SEGMENTER_FILE)) throw new Error('no bundled segmentation model is installed to fine-tune');
    return BUNDLED_SEGMENTER_FILE;
  }
  const m = /^job-([1-9][0-9]{0,9})\.qseg$/.exec(from.split(/[\\/]/).pop()!);
  if (!m || resolve(store.root, from) !== resolve(projectSegmenterFile(store, Number(m[1]))))
    throw new Error(`a team server fine-tunes the bundled segmenter or one of the project's (segmenters/job-<id>.qseg), not ${from}`);
  return projectSegmenterModel(store, Number(m[1]));
}
