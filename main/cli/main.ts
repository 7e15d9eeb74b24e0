// The `quire` command line. Each command opens the project, calls the same dispatcher as
// the app (client.ts), prints text or --json, and exits non-zero when something failed.
import { Command, CommanderError, Option } from 'commander';
import {
  EXPORT_FORMATS,
  SPLITS,
  mergeImportReports,
  type ExportFormat,
  type ImportReport,
  type QuireEvent,
  type Split,
} from '../../shared/api.ts';
import { Project } from '../project/project.ts';
import { withClient } from './client.ts';
import { printable, printResult, table } from './output.ts';
import { describeImport } from './import-report.ts';
import { int } from './option-values.ts';
import { addTrainingCommands } from './training-commands.ts';
import { addSegmenterCommands } from './segmenter-commands.ts';
import { addJobCommands } from './job-commands.ts';
import { addDocumentCommands } from './document-commands.ts';
import { addModelCommands } from './model-commands.ts';
import { addMigrateCommand } from './migrate-command.ts';
import { addWorkerCommand } from './worker-command.ts';
import { addUserCommands } from './user-commands.ts';
import { addServeCommand } from './serve-command.ts';

/** Pages of a long multi-page scan as they are stored, on a terminal only (stdout stays the report). */
function importProgress(event: QuireEvent): void {
  if (event.type !== 'import-progress' || !process.stderr.isTTY || !event.pages || event.pages < 2) return;
  process.stderr.write(`\r${printable(event.file).slice(-60)}: page ${event.page}/${event.pages}${event.page === event.pages ? '\n' : ''}`);
}

export function buildProgram(): { program: Command; exitCode: () => number } {
  let code = 0;
  const program = new Command('quire')
    .description('Quire: turn scans of handwritten archives into searchable text')
    .showHelpAfterError()
    .exitOverride();

  program
    .command('init')
    .description('create a new, empty project folder')
    .argument('<dir>', 'project folder to create')
    .option('--json', 'print JSON')
    .action(async (dir: string, o: { json?: boolean }) => {
      const project = Project.init(dir);
      project.close();
      printResult(!!o.json, { path: project.root }, () => `created project ${project.root}`);
    });

  program
    .command('import')
    .description(
      'import page scans (TIFF, JPEG, PNG), PAGE XML or ALTO files with their images (files or folders), or pre-cut line images with --lines',
    )
    .argument('<dir>', 'project folder')
    .argument('[files...]', 'image or XML files, or folders')
    .option('--lines <folder>', 'folder of line images with optional NAME.gt.txt transcriptions')
    .addOption(
      new Option(
        '--split <split>',
        'dataset split for every imported line (line folders, PAGE and ALTO files); default: a stable random split from the content',
      ).choices(SPLITS),
    )
    .option('--json', 'print JSON')
    .action(async (dir: string, files: string[], o: { lines?: string; split?: Split; json?: boolean }) => {
      if (!o.lines && files.length === 0) throw new Error('nothing to import: name files or folders, or --lines FOLDER');
      await withClient(dir, async (client) => {
        if (!o.json) client.onEvent(importProgress);
        const reports: ImportReport[] = [];
        if (files.length) reports.push(await client.call('importFiles', { paths: files, split: o.split }));
        if (o.lines) reports.push(await client.call('importLineFolder', { folder: o.lines, split: o.split }));
        const merged = mergeImportReports(reports);
        printResult(!!o.json, merged, () => describeImport(merged));
        if (merged.failed.length) code = 1;
      });
    });

  program
    .command('export')
    .description('export documents as PAGE XML, ALTO, plain text, or a ground-truth folder (line images + .gt.txt)')
    .argument('<dir>', 'project folder')
    .addOption(new Option('--format <format>', 'what to write').choices(EXPORT_FORMATS).makeOptionMandatory())
    .requiredOption('--out <folder>', 'folder to write into (created if missing)')
    .option('--model <id>', "use this model version's predictions where a line has no human transcription", int('--model'))
    .option('--json', 'print JSON')
    .action(async (dir: string, o: { format: ExportFormat; out: string; model?: number; json?: boolean }) => {
      await withClient(dir, async (client) => {
        const result = await client.call('exportDocuments', { format: o.format, out: o.out, modelId: o.model });
        printResult(!!o.json, result, () => `wrote ${result.files.length} file(s) to ${o.out}`);
      });
    });

  program
    .command('ls')
    .description('list documents with page, line and labeled counts')
    .argument('<dir>', 'project folder')
    .option('--json', 'print JSON')
    .action(async (dir: string, o: { json?: boolean }) => {
      await withClient(dir, async (client) => {
        const info = await client.call('projectInfo', {});
        const documents = await client.call('listDocuments', {});
        const withPages = await Promise.all(
          documents.map(async (d) => ({ ...d, pageList: await client.call('listPages', { documentId: d.id }) })),
        );
        const { path, name, ...counts } = info;
        const removed = (await client.call('listRemovedDocuments', {})).length;
        printResult(
          !!o.json,
          { path, name, counts: { ...counts, unlabeled: info.lines - info.labeled }, documents: withPages, removed },
          () =>
            [
              `${info.name}: ${info.documents} document(s), ${info.pages} page(s), ${info.lines} line(s), ${info.labeled} labeled, ${info.lines - info.labeled} unlabeled` +
                (removed ? ` (and ${removed} removed document(s): quire document removed ${dir})` : ''),
              table(
                documents.map((d) => ({
                  id: d.id,
                  name: d.name,
                  kind: d.kind,
                  pages: d.pages,
                  lines: d.lines,
                  labeled: d.labeled,
                  unlabeled: d.lines - d.labeled,
                })),
              ),
            ].join('\n'),
        );
      });
    });

  addTrainingCommands(program);
  addJobCommands(program);
  addModelCommands(program);
  addDocumentCommands(program);
  addSegmenterCommands(program);
  addMigrateCommand(program);
  addWorkerCommand(program);
  addUserCommands(program);
  addServeCommand(program);
  return { program, exitCode: () => code };
}

export async function main(argv: string[]): Promise<number> {
  const { program, exitCode } = buildProgram();
  try {
    await program.parseAsync(argv);
    return exitCode();
  } catch (error) {
    // A value outside an option's choices is a wrong value like any other the commands refuse: exit 2.
    if (error instanceof CommanderError) return error.code === 'commander.invalidArgument' ? 2 : error.exitCode;
    process.stderr.write(`quire: ${printable((error as Error).message)}\n`);
    // 130: stopped on request (Ctrl+C or `quire cancel`), as shells report SIGINT.
    return (error as Error).name === 'JobCancelled' ? 130 : 2;
  }
}
