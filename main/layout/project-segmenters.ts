// Segmenters fine-tuned in a project (jobs/segmenter-training.ts) as "Find lines" offers
// them: each is named by its job, "project:<jobId>" (shared/segmenter-options.ts), and only
// the server turns that name into a file, <project>/segmenters/job-<id>.qseg, of a job that
// finished. A window can so never make the app load a file outside the project.
import { existsSync, realpathSync } from 'node:fs';
import { join, relative, isAbsolute } from 'node:path';
import type { ProjectSegmenter } from '../../shared/workbench-api.ts';
import { projectSegmenterChoice, projectSegmenterJob } from '../../shared/segmenter-options.ts';
import { doneSegmenterJobs, jobRow } from '../db/jobs.ts';
import type { Project } from '../project/project.ts';
import { modelSegmenter, resolveSegmenter, type Segmenter } from './segmenters.ts';

/** Where a segmenter job writes its model unless told otherwise. */
export const projectSegmenterFile = (project: Project, jobId: number) => join(project.root, 'segmenters', `job-${jobId}.qseg`);

/** The job's model is there and really inside the project: a link in segmenters/ pointing elsewhere counts as missing. */
function inProject(project: Project, jobId: number): boolean {
  const file = projectSegmenterFile(project, jobId);
  if (!existsSync(file)) return false;
  const rel = relative(realpathSync(project.root), realpathSync(file));
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/** Finished segmenter jobs whose model is in the project's segmenters folder, newest first. */
export function listProjectSegmenters(project: Project): ProjectSegmenter[] {
  const rows = doneSegmenterJobs(project.db);
  return rows
    .filter((r) => inProject(project, r.id))
    .map((r) => {
      const p = JSON.parse(r.progress) as { pages?: unknown; step?: unknown };
      const count = (v: unknown) => (typeof v === 'number' ? v : null);
      return { choice: projectSegmenterChoice(r.id), jobId: r.id, finishedAt: r.updated_at, pages: count(p.pages), steps: count(p.step) };
    });
}

/** The model file of "project:<jobId>", checked: a finished segmenter job of this project, its file inside the project. */
export function projectSegmenterModel(project: Project, jobId: number): string {
  const job = jobRow(project.db, jobId);
  if (!job || job.kind !== 'segment') throw new Error(`no segmenter was fine-tuned by job ${jobId} in this project`);
  if (job.state !== 'done') throw new Error(`segmenter job ${jobId} is ${job.state}: it has no model to segment with`);
  if (!inProject(project, jobId))
    throw new Error(`the model of segmenter job ${jobId} is missing from ${join(project.root, 'segmenters')}`);
  return projectSegmenterFile(project, jobId);
}

/** resolveSegmenter, knowing this project's fine-tuned segmenters by name. */
export async function resolveProjectSegmenter(project: Project, choice: string | undefined): Promise<Segmenter> {
  const jobId = choice === undefined ? null : projectSegmenterJob(choice);
  if (jobId === null) return resolveSegmenter(choice);
  return modelSegmenter(choice!, projectSegmenterModel(project, jobId));
}
