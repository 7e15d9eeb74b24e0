// Issue #16, acceptance: PAGE and ALTO files mutated at random (cut, spliced, numbers
// and attribute values replaced, markup injected, truncated) never crash or hang the
// import; each file either imports or fails with a clear reason of its own, and the
// project database stays consistent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { importFiles } from '../../../main/import/import-images.ts';
import { png } from '../../helpers/images.ts';
import { write } from '../../helpers/layout-files.ts';
import { newProject, tempDir } from '../../helpers/project.ts';

const FIXTURES = new URL('../../fixtures/xml/', import.meta.url).pathname;
const BASES = [
  ['page-2019.xml', 'folio-12r.png'],
  ['page-2013-transkribus.xml', '0003_scan.jpg'],
  ['alto-v2.xml', 'page-v2.png'],
  ['alto-v3.xml', 'page-v3.png'],
  ['alto-v4.xml', 'letter_1802.png'],
].map(([xml, image]) => ({ xml: readFileSync(join(FIXTURES, xml), 'utf8'), image }));
/** Per file: far above a normal import (tens of ms), far below a hang. */
const BOUND_MS = 10_000;
/** What a clear reason looks like: each names the problem in the user's terms. */
const CLEAR = [
  /^malformed XML(?: at line \d+)?: /,
  /^the file is empty$/,
  /^(PAGE|ALTO) namespace .* is not supported/,
  /^root element <.*> is neither PAGE/,
  /^page image .* not found beside the XML$/,
  /^page image .* lies outside the imported folder/,
  /^Page has no valid (imageWidth\/imageHeight|WIDTH\/HEIGHT)$/,
  /^(PAGE|ALTO) file has no (Page|Layout\/Page) element$/,
  /^MeasurementUnit .* is not supported/,
  /^DOCTYPE and ENTITY declarations are not allowed/,
  /^document has no root element$/,
];

type Mutation = (s: string) => string;
const at = (s: string, f: number) => Math.floor(f * (s.length + 1));
const nasty = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.constantFrom(
    '<',
    '>',
    '&',
    '"',
    "'",
    '&amp;',
    '&#0;',
    '&#x110000;',
    '<!--',
    ']]>',
    '<![CDATA[x',
    '</TextLine>',
    '<TextLine>',
    '\u0000',
    '\uFFFE',
    '\uD800',
    '-1',
    '1e308',
    'NaN',
    '99999999999',
    '0',
    ' ',
    '\n',
    'xmlns="urn:x"',
    '../../../../etc/passwd',
    '/dev/zero',
    'points="1,2 3"',
  ),
);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 200 })).map(
    ([f, n]) =>
      (s: string) =>
        s.slice(0, at(s, f)) + s.slice(at(s, f) + n),
  ),
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), nasty).map(
    ([f, text]) =>
      (s: string) =>
        s.slice(0, at(s, f)) + text + s.slice(at(s, f)),
  ),
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 400 })).map(
    ([f, n]) =>
      (s: string) =>
        s.slice(0, at(s, f) + n) + s.slice(at(s, f)),
  ),
  fc.double({ min: 0, max: 1, noNaN: true }).map((f) => (s: string) => s.slice(0, at(s, f))),
  fc.tuple(fc.nat(50), nasty).map(([k, text]) => (s: string) => {
    let i = 0;
    return s.replace(/-?\d+(\.\d+)?/g, (m) => (i++ === k ? text : m));
  }),
  fc.tuple(fc.nat(30), nasty).map(([k, text]) => (s: string) => {
    let i = 0;
    return s.replace(/="[^"]*"/g, (m) => (i++ === k ? `="${text}"` : m));
  }),
);

test('mutated PAGE/ALTO files: no crash, no hang, a clear per-file result, a consistent database', async () => {
  const project = newProject();
  const images = new Map<string, Buffer>();
  for (const b of BASES) images.set(b.image, await png(120, 80, '#ddccbb'));
  let runs = 0;
  let imported = 0;
  await fc.assert(
    fc.asyncProperty(fc.nat(BASES.length - 1), fc.array(mutation, { minLength: 1, maxLength: 4 }), async (which, mutations) => {
      const base = BASES[which];
      const dir = join(tempDir('quire-fuzz-'), 'in');
      mkdirSync(dir);
      write(dir, base.image, images.get(base.image)!);
      const file = write(
        dir,
        'doc.xml',
        mutations.reduce((s, m) => m(s), base.xml),
      );
      let timer: NodeJS.Timeout | undefined;
      const started = Date.now();
      const report = await Promise.race([
        importFiles(project, [file]),
        new Promise<never>((_, fail) => {
          timer = setTimeout(() => fail(new Error(`import did not finish within ${BOUND_MS} ms`)), BOUND_MS);
        }),
      ]).finally(() => clearTimeout(timer));
      runs++;
      assert.ok(Date.now() - started < BOUND_MS);
      const results = [...report.imported.map((d) => d.file), ...report.failed.map((f) => f.file), ...report.duplicates.map((d) => d.file)];
      assert.deepEqual(results, [file], 'exactly one result, for the file itself');
      for (const f of report.failed) {
        assert.ok(f.reason.length < 2000, `reason: ${f.reason}`);
        assert.ok(
          CLEAR.some((r) => r.test(f.reason)),
          `not a clear reason: ${f.reason}`,
        );
      }
      imported += report.imported.length;
    }),
    { numRuns: Number(process.env.FC_RUNS ?? 80), seed: Number(process.env.FC_SEED ?? 16), endOnFailure: true },
  );
  assert.equal(project.db.pragma('integrity_check', { simple: true }), 'ok');
  assert.deepEqual(project.db.pragma('foreign_key_check'), []);
  const orphans = project.db.prepare("SELECT count(*) AS n FROM documents WHERE source_hash LIKE 'importing:%'").get() as { n: number };
  assert.equal(orphans.n, 0, 'no half-written document is left');
  console.log(`# property: ${runs} mutated files, ${imported} imported, ${runs - imported} refused with a reason`);
});
