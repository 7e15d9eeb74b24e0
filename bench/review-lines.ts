// `npm run bench:review`: how long Review and Annotate next take to rank an archive's model
// readings (what each Enter of a review run asks), at a few project sizes. Makes projects of
// generated lines (test/helpers/many-lines.ts, 200 pages) with a stored reading of 40
// characters per line, and times reviewLines and suggestLines (mean of 3 calls after one).
// Prints a table.
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { transaction } from '../main/db/execute.ts';
import { upsertPrediction } from '../main/db/predictions.ts';
import { reviewLines, suggestLines } from '../main/jobs/suggest.ts';
import { Project } from '../main/project/project.ts';
import { manyLinesProject } from '../test/helpers/many-lines.ts';

const { values } = parseArgs({ options: { lines: { type: 'string', default: '10000,50000' } } });

function timed(f: () => unknown): number {
  f();
  const t = performance.now();
  for (let i = 0; i < 3; i++) f();
  return (performance.now() - t) / 3;
}

const rows: string[] = [];
for (const n of values.lines!.split(',').map(Number)) {
  const made = await manyLinesProject(n, { pages: 200, labeled: 0 });
  const project = Project.open(made.dir);
  try {
    const ids = (project.db.prepare('SELECT id FROM lines').all() as Array<{ id: number }>).map((r) => r.id);
    transaction(project.db, () => {
      let s = 1;
      for (const id of ids) {
        s = (s * 1103515245 + 12345) & 0x7fffffff;
        const chars = Array.from({ length: 40 }, (_, k) => ((s >> (k % 16)) % 1000) / 1000);
        upsertPrediction(project.db, id, made.modelId, { text: 'x'.repeat(40), confidence: 0.5, charConfidence: JSON.stringify(chars) });
      }
    });
    const ms = [timed(() => reviewLines(project, 1)), timed(() => reviewLines(project, 100)), timed(() => suggestLines(project, null, 1))];
    rows.push(`| ${n.toLocaleString('en')} | ${ms.map((m) => m.toFixed(0)).join(' | ')} |`);
  } finally {
    project.close();
    rmSync(dirname(made.dir), { recursive: true, force: true });
  }
}
console.log('| predicted lines | Review, 1 line (ms) | Review, 100 lines (ms) | Annotate next, 1 line (ms) |');
console.log('| ---: | ---: | ---: | ---: |');
for (const r of rows) console.log(r);
