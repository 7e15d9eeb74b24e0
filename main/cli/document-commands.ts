// CLI commands that manage documents, each one call of the API: rename one, remove one (set
// aside, nothing deleted: `quire ls` and every other command leave it out) and restore it,
// and list the removed ones.
import type { Command } from 'commander';
import { withClient } from './client.ts';
import { int } from './option-values.ts';
import { printResult, table } from './output.ts';

export function addDocumentCommands(program: Command): void {
  const document = program.command('document').description('manage documents: rename, remove (restorable), restore, list removed');
  document
    .command('rename')
    .description('give a document a new name')
    .argument('<dir>')
    .argument('<id>', 'document id (quire ls)', int('id'))
    .argument('<name>')
    .option('--json', 'print JSON')
    .action((dir: string, documentId: number, name: string, o: { json?: boolean }) =>
      withClient(dir, async (client) => {
        await client.call('renameDocument', { documentId, name });
        printResult(!!o.json, { document_id: documentId, name: name.trim() }, () => `document ${documentId}: ${name.trim()}`);
      }),
    );
  document
    .command('remove')
    .description(
      'set a document aside (a mistaken import): it leaves lists, counts, search, exports, reading and training; nothing is deleted, and `document restore` brings it back',
    )
    .argument('<dir>')
    .argument('<id>', 'document id (quire ls)', int('id'))
    .option('--json', 'print JSON')
    .action((dir: string, documentId: number, o: { json?: boolean }) =>
      withClient(dir, async (client) => {
        await client.call('removeDocument', { documentId });
        printResult(
          !!o.json,
          { document_id: documentId, removed: true },
          () => `document ${documentId} removed (quire document restore brings it back)`,
        );
      }),
    );
  document
    .command('restore')
    .description('bring a removed document back with its pages, lines and transcriptions')
    .argument('<dir>')
    .argument('<id>', 'document id (quire document removed)', int('id'))
    .option('--json', 'print JSON')
    .action((dir: string, documentId: number, o: { json?: boolean }) =>
      withClient(dir, async (client) => {
        await client.call('restoreDocument', { documentId });
        printResult(!!o.json, { document_id: documentId, removed: false }, () => `document ${documentId} restored`);
      }),
    );
  document
    .command('removed')
    .description('list the removed documents, with when and by whom')
    .argument('<dir>')
    .option('--json', 'print JSON')
    .action((dir: string, o: { json?: boolean }) =>
      withClient(dir, async (client) => {
        const removed = await client.call('listRemovedDocuments', {});
        printResult(!!o.json, removed, () =>
          table(
            removed.map((d) => ({
              id: d.id,
              name: d.name,
              pages: d.pages,
              lines: d.lines,
              labeled: d.labeled,
              removed: d.removedAt,
              by: d.removedBy,
            })),
          ),
        );
      }),
    );
}
