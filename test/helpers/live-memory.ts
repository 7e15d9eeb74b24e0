// Peak live Buffer memory while something runs: sampled every `everyMs` after a forced
// collection, so only memory still referenced counts (what a streaming path must keep small).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Runs `fn`, answering its result, how far live buffers rose above where they started, and the samples taken. */
export async function peakLiveBuffers<T>(fn: () => Promise<T>, everyMs: number): Promise<{ result: T; peak: number; samples: number }> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const live = () => {
    gc();
    const m = process.memoryUsage();
    return m.external + m.arrayBuffers;
  };
  const base = live();
  let peak = base;
  let samples = 0;
  const timer = setInterval(() => {
    samples++;
    peak = Math.max(peak, live());
  }, everyMs);
  try {
    return { result: await fn(), peak: peak - base, samples };
  } finally {
    clearInterval(timer);
  }
}
