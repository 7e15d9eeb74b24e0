// A semi-supervised fine-tuning job on a project: the machine readings it trains on are
// recorded with the model version, per round, and never reach the transcriptions table;
// job configs are checked by the API's schema when a job starts and when it resumes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../../main/ml/backend.ts';
import { getJob, listJobs } from '../../../main/jobs/jobs.ts';
import { resumeJob, runQueuedJob, startTraining, type FinetuneRequest } from '../../../main/jobs/training-runs.ts';
import { ensureBaseModel } from '../../../main/models/base-model.ts';
import { labeledLines, unlabeledLineIds } from '../../../main/project/dataset.ts';
import { Project } from '../../../main/project/project.ts';
import { lineProject } from '../../helpers/line-project.ts';
import { overallStep } from '../../../main/jobs/training-job.ts';
import type { Checkpoint } from '../../../main/jobs/finetune-setup.ts';

await initBackend();

const transcriptions = (project: Project) => project.db.prepare('SELECT id, line_id, text, source FROM transcriptions ORDER BY id').all();

type Semi = Omit<NonNullable<FinetuneRequest['semiSupervised']>, 'languageModel'> & { languageModel?: boolean };
const request = (from: number, semi: Semi | undefined): FinetuneRequest => ({
  kind: 'finetune',
  from,
  freezeEncoder: false,
  steps: 4,
  batchSize: 4,
  seed: 1,
  threads: 1,
  checkpointEvery: 2,
  semiSupervised: semi && { languageModel: false, ...semi },
});

test('pseudo-labels are recorded per round with the model version and never become transcriptions', async () => {
  const project = Project.open(await lineProject(20, 8));
  try {
    const before = transcriptions(project);
    const labeledBefore = labeledLines(project);
    const unlabeled = new Set(unlabeledLineIds(project, ['train']));
    // The bundled model reads these generated lines confidently, so readings pass the threshold.
    const base = ensureBaseModel(project);
    // The teacher reads with the language model, as by default (the engine's test checks what that changes).
    // Five steps over two rounds: three, then two (the budget is the whole run's).
    const version = await startTraining(project, {
      ...request(base.id, { rounds: 2, threshold: 0.5, pseudoWeight: 0.5, languageModel: true }),
      steps: 5,
    });
    assert.deepEqual(transcriptions(project), before, 'the transcriptions table is untouched');
    assert.deepEqual(labeledLines(project), labeledBefore);
    const set = version.trainingSet as {
      labeled: number[][];
      pseudoLabeled: Array<{ round: number; lines: Array<[number, string, number]> }>;
    };
    assert.deepEqual(
      set.labeled,
      labeledLines(project, ['train']).map((l) => [l.lineId, l.transcriptionId]),
    );
    assert.deepEqual(
      set.pseudoLabeled.map((r) => r.round),
      [1, 2],
    );
    const pseudo = set.pseudoLabeled.flatMap((r) => r.lines);
    assert.ok(pseudo.length > 0, 'some readings were used');
    for (const [lineId, text, confidence] of pseudo) {
      assert.ok(unlabeled.has(lineId), `line ${lineId} was an unlabeled train-split line`);
      assert.ok(text.length > 0 && confidence >= 0.5 && confidence <= 1);
    }
    assert.deepEqual(
      version.metrics.pseudoLabeled,
      set.pseudoLabeled.map((r) => r.lines.length),
    );
    assert.equal(version.parentId, base.id);
    assert.deepEqual((version.config as { selfTraining: unknown }).selfTraining, {
      rounds: 2,
      threshold: 0.5,
      pseudoWeight: 0.5,
      languageModel: true,
      stepsPerRound: [3, 2],
      labeledAugmentation: 'strong',
    });
    assert.equal(version.metrics.steps, 5);
    const job = getJob(project, listJobs(project).at(-1)!.id);
    assert.equal(job.state, 'done');
    assert.match(job.log, /read with the language model/);
  } finally {
    project.close();
  }
});

test('job configs are checked by the API schema on start and on resume', async () => {
  const project = Project.open(await lineProject(6, 4));
  try {
    await assert.rejects(
      startTraining(project, request(1, { rounds: 2, threshold: 1.5, pseudoWeight: 0.5 })),
      /invalid training job config: semiSupervised\.threshold/,
    );
    assert.equal(listJobs(project).length, 0, 'a refused config creates no job');
    await assert.rejects(
      startTraining(project, {
        ...request(1, undefined),
        semiSupervised: { rounds: 0, threshold: 0.9, pseudoWeight: 0.5, languageModel: false },
      }),
      /semiSupervised\.rounds/,
    );
    // A stored config that was tampered with (or written by a newer Quire) is refused on resume.
    const id = Number(
      project.db.prepare("INSERT INTO jobs (kind, state, config, progress) VALUES ('finetune', 'interrupted', ?, '{}')").run(
        JSON.stringify({
          ...request(1, { rounds: 2, threshold: 0.9, pseudoWeight: 0.5 }),
          semiSupervised: { rounds: 2, threshold: 0.9, pseudoWeight: 7 },
        }),
      ).lastInsertRowid,
    );
    await assert.rejects(
      resumeJob(project, id),
      new RegExp(`job ${id} \\(finetune\\) has an invalid config: semiSupervised\\.pseudoWeight`),
    );
    assert.equal(getJob(project, id).state, 'interrupted', 'a refused resume leaves the job as it was');
    // A queued job (the app's queue) whose config is refused fails, rather than staying queued for ever.
    const queued = Number(
      project.db
        .prepare("INSERT INTO jobs (kind, state, config, progress) VALUES ('finetune', 'queued', ?, '{}')")
        .run(JSON.stringify({ ...request(1, undefined), batchSize: 0 })).lastInsertRowid,
    );
    await assert.rejects(runQueuedJob(project, queued), /batchSize/);
    assert.equal(getJob(project, queued).state, 'failed');
  } finally {
    project.close();
  }
});

test("a resumed run's progress starts at its step in the whole run (a semi-supervised checkpoint counts within its round)", () => {
  const at = (step: number, round?: number) =>
    ({
      state: { step, bestCer: null, sinceBest: 0, history: [], ...(round === undefined ? {} : { selfTraining: { round, rounds: [] } }) },
    }) as unknown as Checkpoint;
  const semi = { ...request(1, { rounds: 2, threshold: 0.5, pseudoWeight: 0.5 }), steps: 5 };
  assert.equal(overallStep(semi, at(2, 1)), 5, 'three steps of round 1, two of round 2');
  assert.equal(overallStep(semi, at(2, 0)), 2);
  assert.equal(overallStep(request(1, undefined), at(3)), 3);
  assert.equal(overallStep(semi, undefined), 0);
});
