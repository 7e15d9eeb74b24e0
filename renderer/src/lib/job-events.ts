// What a window knows of the project's jobs: the last listing, moved on by the events that
// arrived since (a job-changed state, a progress step), so no table, indicator or ETA
// shows a state the job has left. Pure, so that it is tested without a window.
import type { JobSummary, QuireEvent } from '../../../shared/api.ts';
import { isResumable } from '../../../shared/job-states.ts';

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
  /** The last progress heard of each of those jobs: where it stopped ("cancelled at step 120/1000"). */
  stoppedAt: Record<number, JobProgress>;
}

export const emptyJobs = (): JobsView => ({ jobs: [], progress: {}, stopped: [], stoppedAt: {} });

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
    const { [event.jobId]: last, ...others } = view.progress;
    const going = event.state === 'running' || event.state === 'queued';
    const stopped = view.stopped.filter((id) => id !== event.jobId);
    return {
      jobs: withState(view.jobs, event.jobId, event.state),
      progress: event.state === 'running' ? view.progress : others,
      stopped: going ? stopped : [...stopped, event.jobId],
      stoppedAt: stoppedAt(view.stoppedAt, event.jobId, going ? null : (last ?? view.stoppedAt[event.jobId] ?? null)),
    };
  }
  return view;
}

/** Where each stopped job stopped, with `id`'s set to `at` (or left out, null). */
function stoppedAt(all: Record<number, JobProgress>, id: number, at: JobProgress | null): Record<number, JobProgress> {
  const { [id]: _, ...others } = all;
  return at ? { ...others, [id]: at } : others;
}

const isStopped = (state: string) => state !== 'running' && state !== 'queued';

/**
 * A fresh listing replaces the jobs; progress is kept only for jobs it lists as running, and
 * that of a job it lists as stopped (the listing came before the event that says so) is
 * where the job stopped.
 */
export function applyListing(view: JobsView, jobs: JobSummary[]): JobsView {
  const running = new Set(jobs.filter((j) => j.state === 'running').map((j) => j.id));
  const stopped = new Set(jobs.filter((j) => isStopped(j.state)).map((j) => j.id));
  const heard = Object.values(view.progress).filter((p) => stopped.has(p.jobId));
  return {
    jobs,
    progress: Object.fromEntries(Object.entries(view.progress).filter(([id]) => running.has(Number(id)))),
    stopped: view.stopped.filter((id) => jobs.some((j) => j.id === id)),
    stoppedAt: {
      ...Object.fromEntries(Object.entries(view.stoppedAt).filter(([id]) => stopped.has(Number(id)))),
      ...Object.fromEntries(heard.map((p) => [p.jobId, p])),
    },
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

/**
 * An ETA is the time per step so far times the steps left: over the first steps it is mostly
 * the first step's warm-up (loading, compiling), and reads hours for a job of minutes. It is
 * shown once this many steps and seconds were measured; "estimating…" until then.
 */
export const ETA_AFTER_STEPS = 5;
export const ETA_AFTER_SECONDS = 10;

function eta(p: JobProgress): string | null {
  // No ETA at all where the job makes none (transcription: 0), or at the end.
  if (p.step >= p.steps || !(p.etaSeconds > 0)) return null;
  // The seconds measured, from the ETA itself: it is (seconds so far / steps done) × steps left.
  const measured = (p.etaSeconds * p.step) / (p.steps - p.step);
  const settled = Number.isFinite(p.etaSeconds) && p.step >= ETA_AFTER_STEPS && measured >= ETA_AFTER_SECONDS;
  return settled ? `ETA ${formatEta(p.etaSeconds)}` : 'ETA estimating…';
}

/** A one-line summary of a running job's progress ("Fine-tuning · step 40/200 · ETA 3 min"). */
export function progressLine(job: JobSummary, p: JobProgress | undefined): string {
  if (!p) return `${jobKindLabel(job.kind)} · starting`;
  const parts = [jobKindLabel(job.kind), `${PHASE_UNITS[p.phase] ?? 'step'} ${p.step}/${p.steps}`];
  const left = eta(p);
  if (left) parts.push(left);
  return parts.join(' · ');
}

/**
 * Where a job that stopped short stopped ("cancelled at step 120/1000"): from the last
 * progress this window heard, or else the one its row keeps (written every few steps).
 * Null for a job that runs, waits or is done, or that never reported a step.
 */
export function stoppedLine(job: JobSummary, last: JobProgress | undefined): string | null {
  if (!isResumable(job.state)) return null;
  const kept = job.progress as { step?: unknown; steps?: unknown; phase?: unknown };
  const at =
    last ??
    (typeof kept.step === 'number' && typeof kept.steps === 'number'
      ? { step: kept.step, steps: kept.steps, phase: typeof kept.phase === 'string' ? kept.phase : job.kind }
      : null);
  if (!at) return null;
  return `${job.state} at ${PHASE_UNITS[at.phase] ?? 'step'} ${at.step}/${at.steps}`;
}

/**
 * A job's log line as a person reads it: the time it was written in local time ("14:03:12";
 * with the date when not today), then what it says. Lines are written "<ISO time> <text>"
 * (main/jobs/jobs.ts); one that is not is shown as it is.
 */
export function logLine(line: string, now = new Date()): { when: string | null; iso: string | null; text: string } {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)\s?(.*)$/s.exec(line);
  const at = match ? new Date(match[1]) : null;
  if (!match || !at || Number.isNaN(at.getTime())) return { when: null, iso: null, text: line };
  const two = (n: number) => String(n).padStart(2, '0');
  const time = `${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}`;
  const sameDay = at.getFullYear() === now.getFullYear() && at.getMonth() === now.getMonth() && at.getDate() === now.getDate();
  const date = `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())}`;
  return { when: sameDay ? time : `${date} ${time}`, iso: match[1], text: match[2] };
}

/**
 * The loss chart's step axis ticks every 1, 2, 5, 10, 20, 50… steps: never between two
 * steps (uPlot's own increments go down to 0.2 on a short run).
 */
export const STEP_TICKS: number[] = Array.from({ length: 10 }, (_, k) => [1, 2, 5].map((m) => m * 10 ** k)).flat();
