import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { convert } from './jest-codemod.js';

const nodeTest = (names: string) => `import { ${names} } from 'node:test';\n`;
const jest = (names: string) => `import { ${names} } from '@jest/globals';\n`;

describe('jest codemod', () => {
  it('leaves a file that does not import node:test alone', () => {
    assert.equal(convert('a.spec.ts', `${jest('it')}it('x', () => {});\n`), undefined);
  });

  it("turns a test's timeout option into jest's third argument", () => {
    assert.equal(
      convert('a.spec.ts', `${nodeTest('it')}it('x', { timeout: 5_000 }, async () => {});\n`),
      `${jest('it')}it('x', async () => {}, 5_000);\n`,
    );
  });

  it("renames before/after and hands a suite's timeout to the tests and hooks inside that have none", () => {
    const source = [
      nodeTest('after, before, describe, it'),
      "describe('s', { timeout: 9 }, () => {",
      '  before(() => {});',
      "  it('x', () => {});",
      "  it('y', { timeout: 1 }, () => {});",
      '});',
      'after(() => {}, { timeout: 2 });',
      '',
    ].join('\n');
    const expected = [
      jest('afterAll, beforeAll, describe, it'),
      "describe('s', () => {",
      '  beforeAll(() => {}, 9);',
      "  it('x', () => {}, 9);",
      "  it('y', () => {}, 1);",
      '});',
      'afterAll(() => {}, 2);',
      '',
    ].join('\n');
    assert.equal(convert('a.spec.ts', source), expected);
  });

  it('turns skip options into it.skip, or a choice made when the test is declared', () => {
    assert.equal(
      convert(
        'a.spec.ts',
        `${nodeTest('it')}it('x', { skip: 'later' }, () => {});\nit('y', { skip: slow }, () => {});\n`,
      ),
      `${jest('it')}it.skip('x', () => {});\n(slow ? it.skip : it)('y', () => {});\n`,
    );
  });

  it("drops the test context, keeps a done callback, and prints t.diagnostic's text", () => {
    assert.equal(
      convert(
        'a.spec.ts',
        `${nodeTest('it')}it('x', async (t) => {\n  t.diagnostic('hi');\n});\nit('y', (t, done) => done());\n`,
      ),
      `${jest('it')}it('x', async () => {\n  console.log('hi');\n});\nit('y', (done) => done());\n`,
    );
  });

  it('runs what after() registers inside a test when that test ends, in order', () => {
    const converted = convert(
      'a.spec.ts',
      `${nodeTest('after, it')}it('x', async () => {\n  after(() => stop());\n});\n`,
    );
    assert.ok(converted !== undefined && converted.startsWith(jest('afterEach, it')), converted);
    assert.match(converted, /const afterThisTest: \(\(\) => unknown\)\[\] = \[\];/);
    assert.match(
      converted,
      /afterEach\(async \(\) => \{\n {2}for \(const cleanUp of afterThisTest\.splice\(0\)\) await cleanUp\(\);\n\}\);/,
    );
    assert.match(converted, /it\('x', async \(\) => \{\n {2}afterThisTest\.push\(\(\) => stop\(\)\);\n\}\);/);
  });

  it('refuses what jest has no form for, naming the line, instead of guessing', () => {
    assert.throws(
      () => convert('a.spec.ts', `${nodeTest('it')}it('x', (t) => {\n  if (x) t.skip('no');\n});\n`),
      /^Error: a\.spec\.ts:3: the test context's 'skip'/,
    );
    assert.throws(
      () => convert('a.spec.ts', `${nodeTest('it, mock')}it('x', () => mock.fn());\n`),
      /a\.spec\.ts:1: 'mock'/,
    );
    assert.throws(
      () => convert('a.spec.ts', `${nodeTest('describe')}describe('s', { concurrency: true }, () => {});\n`),
      /a\.spec\.ts:2: the option 'concurrency: true'/,
    );
  });
});
