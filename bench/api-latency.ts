// `npm run bench:api`: how the app's API answers while a training job runs in its worker
// thread: round-trip times of `projectInfo` and `getPage` over HTTP, sampled every 100 ms
// for the whole job, and how often progress events arrive. Prints a table.
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { serveProject } from '../main/app/browser-mode.ts';
import type { QuireEvent } from '../shared/api.ts';
import { lineProject } from '../test/helpers/line-project.ts';

const { values } = parseArgs({ options: { steps: { type: 'string', default: '60' }, lines: { type: 'string', default: '64' } } });
const app = await serveProject(await lineProject(Number(values.lines), Number(values.lines)));
const { port, token } = app.server;
const call = async (method: string, body: unknown) => {
  const res = await fetch(`http://127.0.0.1:${port}/api/${method}`, {
    method: 'POST',
    headers: { 'x-quire-token': token, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error((await res.json()).message);
  return res.json();
};
const progressAt: number[] = [];
let finished = '';
const ws = new WebSocket(`ws://127.0.0.1:${port}/events?token=${token}`);
await new Promise((ok) => ws.on('open', ok));
ws.on('message', (m) => {
  const e = JSON.parse(String(m)) as QuireEvent;
  if (e.type === 'job-progress') progressAt.push(Date.now());
  if (e.type === 'job-changed' && ['done', 'failed'].includes(e.state)) finished = e.state;
});
await call('startTraining', { kind: 'finetune', steps: Number(values.steps), batchSize: 16, threads: 1 });
const latencies: number[] = [];
while (!finished) {
  const t0 = performance.now();
  await call(latencies.length % 2 ? 'projectInfo' : 'getPage', latencies.length % 2 ? {} : { pageId: 1 });
  latencies.push(performance.now() - t0);
  await new Promise((r) => setTimeout(r, 100));
}
ws.close();
await app.close();
const sorted = [...latencies].sort((a, b) => a - b);
const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))].toFixed(1);
const gaps = progressAt.slice(1).map((t, i) => t - progressAt[i]);
console.log(`training job: ${values.steps} steps of 16 lines in a worker thread (${finished})`);
console.log('| measure | value |\n|---|---|');
console.log(
  `| API round trip while training (${latencies.length} calls) | median ${q(0.5)} ms, p95 ${q(0.95)} ms, max ${sorted.at(-1)!.toFixed(1)} ms |`,
);
console.log(`| progress events | ${progressAt.length}, largest gap ${Math.max(...gaps)} ms |`);
