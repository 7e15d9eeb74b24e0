// `quire migrate FROM TO --files DIR`: moves a project between a project folder and a
// PostgreSQL server store (main/project/move-project.ts). It is not a call of the API: the
// dispatcher serves one open project, and this command works on two stores, neither of them
// open in the app. Progress goes to stderr, the result to stdout (text or --json).
import type { Command } from 'commander';
import { moveProject } from '../project/move-project.ts';
import { printable, printResult } from './output.ts';

export function addMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description(
      'move a project between a project folder and a PostgreSQL server (postgres://… URL), both ways, rows, history, models and files included; the destination must hold no project',
    )
    .argument('<from>', 'project folder or postgres:// URL to read')
    .argument('<to>', 'project folder or postgres:// URL to create the project in')
    .option('--files <dir>', "the server project's shared folder for images and models (required: one side is a URL)")
    .option('--json', 'print JSON')
    .action(async (from: string, to: string, o: { files?: string; json?: boolean }) => {
      const result = await moveProject({ from, to, files: o.files, progress: (m) => process.stderr.write(`${printable(m)}\n`) });
      const rows = Object.values(result.rows).reduce((a, b) => a + b, 0);
      printResult(!!o.json, result, () =>
        [
          `moved ${printable(result.from)} to ${printable(result.to)}: ${rows} row(s), ${result.fileCount} file(s)`,
          `the server project's files: ${printable(result.files)}`,
        ].join('\n'),
      );
    });
}
