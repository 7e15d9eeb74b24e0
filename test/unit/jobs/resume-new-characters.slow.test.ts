// A fine-tune resumed after a label with a character new to its checkpoint's charset was
// saved: the checkpoint's network has no output for it, so the resumed run leaves that line
// out (saying so in the job's log) and finishes; the label stays, for the next fine-tune.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addTranscription, currentText } from '../../../main/db/transcriptions.ts';
import { createJob, getJob, JobCancelled } from '../../../main/jobs/jobs.ts';
import { savedCheckpoint, trainJob } from '../../../main/jobs/training-job.ts';
import { labeledLinesAt } from '../../../main/project/dataset.ts';
import { Project } from '../../../main/project/project.ts';
import { folderStore } from '../../../main/project/project-store.ts';
import { checkJobRequest, type FinetuneRequest } from '../../../shared/job-configs.ts';
import { lineProject } from '../../helpers/line-project.ts';

for (const semi of [false, true]) {
  test(`a resumed ${semi ? 'semi-supervised ' : ''}fine-tune leaves out a line labeled meanwhile with a character new to its checkpoint`, async () => {
    const project = Project.open(await lineProject(12, 8));
    const store = folderStore(project);
    const request = {
      ...checkJobRequest({
        kind: 'finetune',
        steps: 4,
        batchSize: 2,
        checkpointEvery: 2,
        ...(semi ? { semiSupervised: { rounds: 2, threshold: 0.5, pseudoWeight: 0.5, languageModel: false } } : {}),
      } as never),
      threads: 1,
    } as unknown as FinetuneRequest;
    const job = createJob(project, 'finetune', request as never, 'running');
    const stop = new AbortController();
    await assert.rejects(
      trainJob(store, job.id, request, undefined, {
        signal: stop.signal,
        onProgress: (p) => {
          if (p.step >= 2) stop.abort();
        },
      }),
      JobCancelled,
    );
    const checkpoint = savedCheckpoint(project.root, job.id);
    assert.ok(checkpoint, 'the cancelled run left a checkpoint');
    const [line] = await labeledLinesAt(store, ['train']);
    assert.deepEqual(checkpoint.codec.missing('Ж'), ['Ж']);
    addTranscription(project.db, line.lineId, 'Жar', 'tester', 'human');

    const version = await trainJob(store, job.id, request, checkpoint, {});
    type Pairs = Array<[number, number]>;
    const set = version.trainingSet as Pairs | { labeled: Pairs };
    const used = (Array.isArray(set) ? set : set.labeled).map(([lineId]) => lineId);
    assert.ok(!used.includes(line.lineId), 'the line with the new character is left out of the resumed run');
    assert.ok(used.length > 0);
    assert.match(getJob(project, job.id).log, new RegExp(`left out 1 labeled line .*"Ж"`));
    assert.equal(currentText(project.db, line.lineId), 'Жar', 'the label stays');
    project.close();
  });
}
