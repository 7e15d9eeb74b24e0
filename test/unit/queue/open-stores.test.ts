// A worker keeps a few readers between parts and stops the least recently used idle ones; a
// reader a part is still reading with is never stopped under it, however many other models'
// parts come meanwhile (with --concurrency 2, a third model's part stopped the first's).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import { dataset } from '../../../main/db/dataset.ts';
import { samplesAt } from '../../../main/project/dataset.ts';
import { AllowedStores } from '../../../main/queue/allowed-stores.ts';
import { OpenStores } from '../../../main/queue/open-stores.ts';
import { manyLinesProject } from '../../helpers/many-lines.ts';

test('a reader in use is kept while parts of other models start and end; idle ones beyond two are stopped', async () => {
  const made = await manyLinesProject(2, { pages: 1, models: 4 });
  const stores = new OpenStores(2, new AllowedStores({ projects: [dirname(made.dir)] }));
  try {
    const project = await stores.open({ kind: 'sqlite', root: made.dir });
    const [first, ...others] = made.modelIds;
    const stopped: number[] = [];
    const watch = (modelId: number) => (r: { reader: { stop(): Promise<void> } }) => {
      const stop = r.reader.stop.bind(r.reader);
      r.reader.stop = () => (stopped.push(modelId), stop());
    };
    const read = await stores.withReader(project, first, async ({ reader, height }) => {
      watch(first)({ reader });
      // Parts of three other models, one after another, while this one still reads.
      for (const modelId of others) await stores.withReader(project, modelId, async (r) => watch(modelId)(r));
      await new Promise((r) => setImmediate(r)); // readers are stopped in the background
      assert.deepEqual(stopped, [others[0], others[1]], 'the idle readers beyond two were stopped, oldest first; the one in use was kept');
      const samples = await samplesAt(
        project,
        (await project.run(dataset.linesToRead())).map((l) => ({ lineId: l.id, text: '' })),
        height,
      );
      return reader.readLines(
        samples.map((s) => s.image),
        16,
        1,
      );
    });
    assert.equal(read?.length, 2, 'the reader in use still read');
    // Now idle, the first model's reader is the least recently used: the next part's model stops it.
    await stores.withReader(project, others[0], async () => {});
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(stopped, [others[0], others[1], first]);
  } finally {
    await stores.close();
  }
});
