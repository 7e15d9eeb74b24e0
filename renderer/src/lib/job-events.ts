// What a window knows of the project's jobs: the last listing, moved on by the events that
// arrived since (a job-changed state, a progress step), so no table, indicator or ETA
// shows a state the job has left. Pure, so that it is tested without a window.
import type { JobSummary, QuireEvent } from '../../../shared/api.ts';

export type JobProgress = Extract<QuireEvent, { type: 'job-progress' }>['progress'];

export interface JobsView {
  jobs: JobSummary[];
  /** The latest progress of each running job (never of one that has stopped). */
  progress: Record<number, JobProgress>;
  /**
   * Jobs this window heard stop (done, failed, cancelled, interrupted) and not start again
   * since: a progress event of theirs is a late one (sent before the stop, delivered after
   * it), not a sign that they run.
   */
  stopped: number[];
}

export const emptyJobs = (): JobsView => ({ jobs: [], progress: {}, stopped: [] });

const withState = (jobs: JobSummary[], id: number, state: string) =>
  jobs.map((j) => (j.id === id ? { ...j, state, waiting: state === 'queued' ? j.waiting : null } : j));

export function applyJobEvent(view: JobsView, event: QuireEvent): JobsView {
  if (event.type === 'job-progress') {
    const p = event.progress;
    if (view.stopped.includes(p.jobId)) return view;
    const known = view.jobs.find((j) => j.id === p.jobId);
    // Progress comes only from a running job, whatever an older listing said.
    const jobs = known && known.state !== 'running' ? withState(view.jobs, p.jobId, 'running') : view.jobs;
    return { ...view, jobs, progress: { ...view.progress, [p.jobId]: p } };
  }
  if (event.type === 'job-changed') {
    const { [event.jobId]: _, ...others } = view.progress;
    const going = event.state === 'running' || event.state === 'queued';
    const stopped = view.stopped.filter((id) => id !== event.jobId);
    return {
      jobs: withState(view.jobs, event.jobId, event.state),
      progress: event.state === 'running' ? view.progress : others,
      stopped: going ? stopped : [...stopped, event.jobId],
    };
  }
  return view;
}

/** A fresh listing replaces the jobs; progress is kept only for jobs it lists as running. */
export function applyListing(view: JobsView, jobs: JobSummary[]): JobsView {
  const running = new Set(jobs.filter((j) => j.state === 'running').map((j) => j.id));
  return {
    jobs,
    progress: Object.fromEntries(Object.entries(view.progress).filter(([id]) => running.has(Number(id)))),
    stopped: view.stopped.filter((id) => jobs.some((j) => j.id === id)),
  };
}

const KINDS: Record<string, string> = {
  finetune: 'Fine-tuning',
  pretrain: 'Pretraining',
  transcribe: 'Transcribing',
  evaluate: 'Evaluating',
  segment: 'Segmenter training',
  'find-lines': 'Finding lines',
};
/** What a phase's steps count: lines read, pages found; training's steps otherwise. */
const PHASE_UNITS: Record<string, string> = { transcribe: 'line', evaluate: 'line', 'find-lines': 'page' };
export const jobKindLabel = (kind: string) => KINDS[kind] ?? kind;

export const formatEta = (s: number) =>
  s < 90 ? `${Math.round(s)} s` : s < 5400 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`;

/** A one-line summary of a running job's progress ("Fine-tuning · step 40/200 · ETA 3 min"). */
export function progressLine(job: JobSummary, p: JobProgress | undefined): string {
  if (!p) return `${jobKindLabel(job.kind)} · starting`;
  const parts = [jobKindLabel(job.kind), `${PHASE_UNITS[p.phase] ?? 'step'} ${p.step}/${p.steps}`];
  if (p.step < p.steps && p.etaSeconds > 0) parts.push(`ETA ${formatEta(p.etaSeconds)}`);
  return parts.join(' · ');
}
