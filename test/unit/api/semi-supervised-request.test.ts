// The API's fine-tuning request takes semi-supervision as an object whose left-out fields get
// the defaults named in shared/self-training-options.ts, and refuses values out of range.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { schemas } from '../../../shared/api.ts';
import { MAX_SELF_TRAINING_ROUNDS, SELF_TRAINING_DEFAULTS } from '../../../shared/self-training-options.ts';

const parse = (semiSupervised: unknown) => schemas.startTraining.safeParse({ kind: 'finetune', semiSupervised });

test('semi-supervised settings: defaults filled in, out-of-range values refused', () => {
  const filled = parse({});
  assert.ok(filled.success && filled.data.kind === 'finetune');
  assert.deepEqual(filled.data.semiSupervised, SELF_TRAINING_DEFAULTS);
  const chosen = parse({ rounds: 2, threshold: 0.75 });
  assert.ok(chosen.success && chosen.data.kind === 'finetune');
  assert.deepEqual(chosen.data.semiSupervised, {
    rounds: 2,
    threshold: 0.75,
    pseudoWeight: SELF_TRAINING_DEFAULTS.pseudoWeight,
    languageModel: SELF_TRAINING_DEFAULTS.languageModel,
  });
  const plain = parse({ languageModel: false });
  assert.ok(plain.success && plain.data.kind === 'finetune' && plain.data.semiSupervised?.languageModel === false);
  assert.ok(schemas.startTraining.safeParse({ kind: 'finetune' }).success, 'left out: plain fine-tuning');
  for (const bad of [
    { rounds: 0 },
    { rounds: 1 },
    { rounds: MAX_SELF_TRAINING_ROUNDS + 1 },
    { rounds: 1.5 },
    { threshold: -0.1 },
    { threshold: 1.01 },
    { pseudoWeight: 2 },
    { pseudoWeight: 1 },
    { languageModel: 'yes' },
    { extra: 1 },
  ]) {
    assert.equal(parse(bad).success, false, JSON.stringify(bad));
  }
});
