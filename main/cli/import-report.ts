// The import report as the terminal shows it: what imported, what was skipped and why,
// warnings, and failures, each with its file.
import type { ImportReport } from '../../shared/api.ts';
import { printable } from './output.ts';

export function describeImport(r: ImportReport): string {
  // Names and reasons come from the file system and from imported files: never print them raw.
  const p = printable;
  const out = r.imported.map((d) => `imported ${p(d.file)}: ${d.pages} page(s)${d.lines ? `, ${d.lines} line(s)` : ''}`);
  out.push(...r.duplicates.map((d) => `skipped ${p(d.file)}: ${p(d.reason)}`));
  out.push(...r.warnings.map((w) => `warning ${p(w.file)}: ${p(w.message)}`));
  out.push(...r.failed.map((f) => `FAILED ${p(f.file)}: ${p(f.reason)}`));
  out.push(`${r.imported.length} imported, ${r.duplicates.length} skipped, ${r.failed.length} failed`);
  return out.join('\n');
}
