// The real-data scripts' pure parts: text normalisation across collections' conventions,
// and the line pack written and read back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalizeLineText } from '../../../bench/real/normalize-text.ts';
import { LinePack, PackWriter } from '../../../bench/real/line-pack.ts';
import { REAL_SOURCES, RESERVED_FOR_OUTSIDE_CHECKS } from '../../../bench/real/sources.ts';

test('line texts are normalised: NFC, superscripts as letters, carets and struck-out lines per collection', () => {
  assert.equal(normalizeLineText('Me\u0301moire  de Mʳ Dupont\u00A0'), 'Mémoire de Mr Dupont');
  assert.equal(normalizeLineText('le 1ᵉʳ mai'), 'le 1er mai');
  assert.equal(normalizeLineText('M^r Bronod', ['caret-superscript']), 'Mr Bronod');
  assert.equal(normalizeLineText('M^r Bronod'), 'M^r Bronod', 'the caret is kept where it is not a convention');
  assert.equal(normalizeLineText('il >pourra< aussi', ['struck-out-angles']), null);
  assert.equal(normalizeLineText('   '), null);
});

test('no source is the collection reserved for outside checks, and held-out collections are at least two', () => {
  assert.ok(!REAL_SOURCES.some((s) => s.repo.toLowerCase() === RESERVED_FOR_OUTSIDE_CHECKS.toLowerCase()));
  assert.ok(REAL_SOURCES.filter((s) => s.role === 'held-out').length >= 2);
  for (const s of REAL_SOURCES) assert.match(s.commit, /^[0-9a-f]{40}$/, `${s.repo} is pinned to a commit`);
});

test('a line pack gives back the lines written, quantised to 8 bits', () => {
  const dir = mkdtempSync(join(tmpdir(), 'quire-pack-'));
  const writer = new PackWriter(dir, 2);
  const a = { width: 3, height: 2, data: Float32Array.from([0, 0.5, 1, 1, 0.25, 0]) };
  const b = { width: 1, height: 2, data: Float32Array.from([0.2, 0.8]) };
  writer.add({ source: 's', page: 'p.xml', lineId: 'l1', split: 'train', text: 'ab' }, a);
  writer.add({ source: 's', page: 'p.xml', lineId: 'l2', split: 'test', text: 'c' }, b);
  assert.throws(
    () =>
      writer.add(
        { source: 's', page: 'p.xml', lineId: 'l3', split: 'train', text: 'x' },
        { width: 1, height: 3, data: new Float32Array(3) },
      ),
    /3 px line in the 2 px pack/,
  );
  writer.finish();
  const pack = new LinePack(dir, 2);
  const [l1, l2] = pack.lines(() => true);
  assert.deepEqual([l1.text, l1.width, l2.split, l2.width], ['ab', 3, 'test', 1]);
  const back = pack.image(l1);
  back.data.forEach((v, i) => assert.ok(Math.abs(v - a.data[i]) <= 0.5 / 255 + 1e-6));
  assert.equal(pack.sample(l2).text, 'c');
  pack.close();
});
