// The window's one view of the open project's jobs, shared by the header's job indicator
// and the Training panel: listed from the service, kept live by its events, listed again
// when a job changes state (and when the project changes).
import { writable, type Readable } from 'svelte/store';
import { api } from './transport.ts';
import { applyJobEvent, applyListing, emptyJobs, type JobsView } from './job-events.ts';

const view = writable<JobsView>(emptyJobs());
let started = false;
let events = 0;

/** Lists the jobs again; a listing that events overtook while it was on its way is asked for once more. */
export async function refreshJobs(): Promise<void> {
  const seen = events;
  const jobs = await api.listJobs({});
  if (seen !== events) return refreshJobs();
  view.update((v) => applyListing(v, jobs));
}

/** The jobs, live. Subscribing the first time starts listening. */
export const liveJobs: Readable<JobsView> = {
  subscribe(run) {
    if (!started) {
      started = true;
      api.subscribe((e) => {
        if (e.type === 'project-changed') {
          // Another project (or the same one changed): its listing replaces what is shown.
          events++;
          refreshJobs().catch(() => {});
        } else if (e.type === 'job-progress' || e.type === 'job-changed') {
          events++;
          view.update((v) => applyJobEvent(v, e));
          if (e.type === 'job-changed') refreshJobs().catch(() => {});
        }
      });
      refreshJobs().catch(() => {});
    }
    return view.subscribe(run);
  },
};
