// The engine table of `npm run bench` (bench/run.ts) and the GPU check (bench/gpu-check.ts):
// one row per engine, with its training and reading lines/s as ratios against PyTorch's
// best thread count among the rows measured (per measure: training and reading may peak at
// different counts).

export interface Row {
  engine: string;
  backend: string;
  trainStepSeconds: number;
  trainLinesPerSecond: number;
  inferLinesPerSecond: number;
  seqclrLinesPerSecond?: number | null;
  peakRssMB: number;
}
/** A measured row, or why the engine could not be measured. */
export type Result = Row | string;

// A reading-only row has no training figures (JSON turns its NaN into null).
const fixed = (v: number | null, digits: number) => (v === null || !Number.isFinite(v) ? '-' : v.toFixed(digits));

/** The table's lines: every row of `results`, with ratios against the best of `torch` (PyTorch on the CPU, some of those rows). */
export function engineTable(results: Array<[string, Result]>, torch: Array<[string, Result]>): string[] {
  const measured = torch.map(([, r]) => r).filter((r): r is Row => typeof r === 'object');
  const bestTrain = measured.length ? Math.max(...measured.map((r) => r.trainLinesPerSecond)) : undefined;
  const bestInfer = measured.length ? Math.max(...measured.map((r) => r.inferLinesPerSecond)) : undefined;
  const which = (key: 'trainLinesPerSecond' | 'inferLinesPerSecond', best?: number) =>
    torch.find(([, r]) => typeof r === 'object' && r[key] === best)?.[0].replace('pytorch ', '') ?? '-';

  const header = [
    'engine',
    'train s/step',
    'train lines/s',
    'infer lines/s',
    'SeqCLR lines/s',
    'peak RSS MB',
    'train vs torch best',
    'infer vs torch best',
  ];
  const rows = results.map(([name, r]) =>
    typeof r === 'string'
      ? [name, `unavailable: ${r}`]
      : [
          name,
          fixed(r.trainStepSeconds, 3),
          fixed(r.trainLinesPerSecond, 1),
          r.inferLinesPerSecond.toFixed(1),
          fixed(r.seqclrLinesPerSecond ?? null, 1),
          String(r.peakRssMB),
          bestTrain && Number.isFinite(r.trainLinesPerSecond) ? `${(r.trainLinesPerSecond / bestTrain).toFixed(2)}×` : '-',
          bestInfer ? `${(r.inferLinesPerSecond / bestInfer).toFixed(2)}×` : '-',
        ],
  );
  const full = rows.filter((r) => r.length > 2);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...full.map((r) => r[i].length), ...(i === 0 ? rows.map((r) => r[0].length) : [])),
  );
  const line = (cells: string[]) =>
    cells.length === 2 ? `${cells[0].padEnd(widths[0])} | ${cells[1]}` : cells.map((c, i) => c.padEnd(widths[i])).join(' | ');
  return [
    `ratios against PyTorch's best: training ${which('trainLinesPerSecond', bestTrain)}, reading ${which('inferLinesPerSecond', bestInfer)}`,
    line(header),
    widths.map((w) => '-'.repeat(w)).join('-|-'),
    ...rows.map(line),
  ];
}
