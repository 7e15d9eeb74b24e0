// CLI commands that list and manage model versions, each one call of the API.
import type { Command } from 'commander';
import { withClient } from './client.ts';
import { int } from './option-values.ts';
import { printResult, table } from './output.ts';

export function addModelCommands(program: Command): void {
  program
    .command('models')
    .description('list model versions with their kind, parent and metrics')
    .argument('<dir>', 'project folder')
    .option('--json', 'print JSON')
    .action(async (dir: string, o: { json?: boolean }) => {
      await withClient(dir, async (client) => {
        const versions = await client.call('listModelVersions', {});
        printResult(!!o.json, versions, () =>
          table(
            versions.map((v) => ({
              id: v.id,
              name: v.name,
              kind: v.kind,
              parent: v.parentId ?? '-',
              metrics: JSON.stringify(v.metrics),
              created: v.createdAt,
            })),
          ),
        );
      });
    });

  const model = program.command('model').description('manage model versions: rename, delete, export, import');
  model
    .command('rename')
    .description('give a model version a new name')
    .argument('<dir>')
    .argument('<id>', 'model id', int('id'))
    .argument('<name>')
    .option('--json', 'print JSON')
    .action((dir: string, modelId: number, name: string, o: { json?: boolean }) =>
      withClient(dir, async (client) => {
        await client.call('renameModel', { modelId, name });
        printResult(!!o.json, { model_id: modelId, name }, () => `model ${modelId}: ${name}`);
      }),
    );
  model
    .command('delete')
    .description(
      'delete a model version and its readings (its weights file too, when no other version uses it); not the base model, nor one a job needs',
    )
    .argument('<dir>')
    .argument('<id>', 'model id', int('id'))
    .option('--json', 'print JSON')
    .action((dir: string, modelId: number, o: { json?: boolean }) =>
      withClient(dir, async (client) => {
        await client.call('deleteModel', { modelId });
        printResult(!!o.json, { model_id: modelId, deleted: true }, () => `model ${modelId} deleted`);
      }),
    );
  model
    .command('export')
    .description('write a model version as one file')
    .argument('<dir>')
    .argument('<id>', 'model id', int('id'))
    .argument('<file>')
    .option('--json', 'print JSON')
    .action((dir: string, modelId: number, file: string, o: { json?: boolean }) =>
      withClient(dir, async (client) => {
        await client.call('exportModel', { modelId, file });
        printResult(!!o.json, { model_id: modelId, file }, () => `model ${modelId} written to ${file}`);
      }),
    );
  model
    .command('import')
    .description('add a model file (from another project, or the bundled base model: "base") as a new version')
    .argument('<dir>')
    .argument('<file>')
    .option('--json', 'print JSON')
    .action((dir: string, file: string, o: { json?: boolean }) =>
      withClient(dir, async (client) => {
        const v = await client.call('importModel', { file });
        printResult(!!o.json, v, () => `model ${v.id}: ${v.name}`);
      }),
    );
}
