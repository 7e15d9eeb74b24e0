// Training progress for the terminal: a one-line bar on a TTY, JSON lines with --json.
import type { RunProgress } from '../../shared/job-configs.ts';

export function progressPrinter(json: boolean): (p: RunProgress) => void {
  let last = 0;
  return (p) => {
    if (json) {
      process.stdout.write(JSON.stringify({ type: 'progress', ...p }) + '\n');
      return;
    }
    const now = Date.now();
    if (now - last < 250 && p.step !== p.steps) return;
    last = now;
    const width = 30;
    const filled = Math.round((width * p.step) / p.steps);
    const eta = Number.isFinite(p.etaSeconds) ? `${Math.round(p.etaSeconds)}s left` : '';
    const cer = p.validationCer === undefined ? '' : ` CER ${(100 * p.validationCer).toFixed(1)}%`;
    const line = `${p.phase} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.step}/${p.steps} loss ${p.loss.toFixed(3)}${cer} ${p.linesPerSecond.toFixed(1)} lines/s ${eta}`;
    if (process.stderr.isTTY) process.stderr.write(`\r${line.padEnd(100)}${p.step === p.steps ? '\n' : ''}`);
    else if (p.step === p.steps || p.step % 50 === 0) process.stderr.write(line + '\n');
  };
}
