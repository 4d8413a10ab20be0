/**
 * Converts specs written for `node:test` into jest specs importing from '@jest/globals', leaving
 * their `node:assert` assertions as they are. Re-runnable: a file that no longer imports
 * 'node:test' is left alone, so run it again whenever a branch brings new node:test specs:
 *
 *   node tools/jest-codemod.ts            every .ts file of the repository that imports 'node:test'
 *   node tools/jest-codemod.ts FILE...    only these
 *   node tools/jest-codemod.ts --check    lists the files still importing 'node:test', exit 1 if any
 *
 * (Node runs this file as it is, stripping its types; nothing to build.) On a merge conflict in a
 * converted spec, take the incoming node:test version of the file and run this again.
 *
 * What it does, and what jest has instead of node:test's:
 * - `before`/`after` become `beforeAll`/`afterAll`; `describe`, `it`, `test`, `beforeEach`,
 *   `afterEach` and their `.skip`/`.only`/`.todo` keep their names; `suite` becomes `describe`.
 * - Options: `it(name, { timeout: T }, fn)` becomes `it(name, fn, T)`, `before(fn, { timeout: T })`
 *   becomes `beforeAll(fn, T)`. A suite's `{ timeout: T }` goes to every test and hook inside it that
 *   has none of its own: node:test's tests inherit their suite's timeout, jest has no suite timeout.
 *   `{ skip: true | 'why' }` becomes `.skip`, `{ skip: expression }` becomes
 *   `(expression ? it.skip : it)(…)`; `{ only: true }` becomes `.only`; `{ concurrency: 1 | false }`
 *   is dropped (jest runs a file's tests one after another).
 * - `after(fn)` called inside a running test (node:test then runs fn when that test ends) becomes
 *   `afterThisTest.push(fn)`, drained in order by an `afterEach` the codemod adds to the file.
 * - The test context: `t.diagnostic(…)` becomes `console.log(…)` (jest prints it with the test's
 *   file); the parameter goes, and `(t, done)` becomes jest's `(done)`.
 * Anything else (`t.skip()` decided while the test runs, `t.todo`, `t.name`, `t.mock`, `t.after`,
 * `t.signal`, `t.plan`, subtests, `mock`, other options, async suites) has no one-to-one jest form: the file is
 * left unchanged and named with the line, to be converted by hand (for a skip decided at run time:
 * decide it when the test is declared, `(condition ? it.skip : it)(…)`). Exit status 1 then.
 */
import { readFileSync, writeFileSync, globSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import * as prettier from 'prettier';
import ts from 'typescript';

const jestNameOf: Readonly<Record<string, string>> = {
  describe: 'describe',
  suite: 'describe',
  it: 'it',
  test: 'test',
  before: 'beforeAll',
  after: 'afterAll',
  beforeEach: 'beforeEach',
  afterEach: 'afterEach',
};
const hooks = new Set(['beforeAll', 'afterAll', 'beforeEach', 'afterEach']);
const modifiers = new Set(['skip', 'only', 'todo']);

interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

class Refused extends Error {}

/** What one `describe`/`it`/hook call of the file is, found by following the import's bindings. */
interface RunnerCall {
  readonly call: ts.CallExpression;
  readonly jestName: string;
  /** `.skip`, `.only` or `.todo` when written so. */
  readonly modifier: string | undefined;
  /** The identifier naming the node:test import, to rename. */
  readonly identifier: ts.Identifier;
}

export function convert(fileName: string, source: string): string | undefined {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const imports = file.statements.filter(
    (s): s is ts.ImportDeclaration =>
      ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier) && s.moduleSpecifier.text === 'node:test',
  );
  if (imports.length === 0) return undefined;

  const program = ts.createProgram({
    rootNames: [fileName],
    options: { noResolve: true, noLib: true, types: [], allowJs: false },
    host: singleFileHost(fileName, file),
  });
  const checker = program.getTypeChecker();
  const programFile = program.getSourceFile(fileName)!;
  const where = (node: ts.Node) => {
    const { line } = programFile.getLineAndCharacterOfPosition(node.getStart(programFile));
    return `${fileName}:${line + 1}`;
  };
  const refuse = (node: ts.Node, why: string): never => {
    throw new Refused(`${where(node)}: ${why}`);
  };

  // Which local names the node:test import binds, and to what.
  const bound = new Map<ts.Symbol, string>();
  for (const declaration of imports) {
    const clause = declaration.importClause;
    if (!clause) continue;
    if (clause.name) bound.set(checker.getSymbolAtLocation(clause.name)!, 'test');
    const named = clause.namedBindings;
    if (named && ts.isNamespaceImport(named)) refuse(named, "a namespace import of 'node:test'");
    for (const element of named && ts.isNamedImports(named) ? named.elements : []) {
      const imported = (element.propertyName ?? element.name).text;
      const jestName = jestNameOf[imported];
      if (element.isTypeOnly || clause.isTypeOnly) {
        bound.set(checker.getSymbolAtLocation(element.name)!, `type:${imported}`);
        continue;
      }
      if (!jestName) refuse(element, `'${imported}' from 'node:test' has no jest counterpart here`);
      bound.set(checker.getSymbolAtLocation(element.name)!, jestName!);
    }
  }
  const runnerNameOf = (node: ts.Node): string | undefined => {
    if (!ts.isIdentifier(node)) return undefined;
    const symbol = checker.getSymbolAtLocation(node);
    return symbol ? bound.get(symbol) : undefined;
  };

  const edits: Edit[] = [];
  const used = new Set<string>();

  // Every reference to an imported name: calls are converted, anything else is refused.
  const calls: RunnerCall[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && !ts.isImportSpecifier(node.parent) && !ts.isImportClause(node.parent)) {
      const name = runnerNameOf(node);
      if (name?.startsWith('type:')) refuse(node, `the node:test type ${name.slice(5)}`);
      if (name) {
        const call = runnerCallOf(node, name);
        if (!call) refuse(node, `'${node.text}' used other than called`);
        calls.push(call!);
      }
    }
    ts.forEachChild(node, visit);
  };
  const runnerCallOf = (identifier: ts.Identifier, jestName: string): RunnerCall | undefined => {
    const parent = identifier.parent;
    if (ts.isCallExpression(parent) && parent.expression === identifier) {
      return { call: parent, jestName, modifier: undefined, identifier };
    }
    if (
      ts.isPropertyAccessExpression(parent) &&
      parent.expression === identifier &&
      modifiers.has(parent.name.text) &&
      ts.isCallExpression(parent.parent) &&
      parent.parent.expression === parent
    ) {
      return { call: parent.parent, jestName, modifier: parent.name.text, identifier };
    }
    return undefined;
  };
  ts.forEachChild(programFile, visit);

  // Suite timeouts handed down to the tests and hooks inside, innermost suite first.
  const inheritedTimeout = (call: ts.CallExpression): string | undefined => {
    for (let node: ts.Node = call.parent; node; node = node.parent) {
      if (!ts.isCallExpression(node)) continue;
      const suite = calls.find((c) => c.call === node && c.jestName === 'describe');
      const timeout = suite && optionsOf(suite).timeout;
      if (timeout) return timeout;
    }
    return undefined;
  };

  interface Options {
    readonly node: ts.ObjectLiteralExpression | undefined;
    readonly timeout: string | undefined;
    readonly skip: string | undefined;
    readonly only: boolean;
  }
  const optionsCache = new Map<ts.CallExpression, Options>();
  const optionsOf = (runner: RunnerCall): Options => {
    const cached = optionsCache.get(runner.call);
    if (cached) return cached;
    const args = runner.call.arguments;
    const isHook = hooks.has(runner.jestName);
    let node: ts.Expression | undefined;
    if (isHook) node = args[1];
    else {
      // node:test: (name?, options?, fn?); a name is never an object literal.
      const last = args[args.length - 1];
      const leading = last && isFunctionLike(last) ? args.slice(0, -1) : [...args];
      if (leading.length > 2) refuse(runner.call, 'more arguments than node:test takes');
      if (leading.length === 2) node = leading[1];
      else if (leading.length === 1 && ts.isObjectLiteralExpression(leading[0]!)) node = leading[0];
    }
    if (node && !ts.isObjectLiteralExpression(node)) refuse(node, 'options that are not an object literal');
    const options: { timeout?: string; skip?: string; only: boolean } = { only: false };
    for (const property of node && ts.isObjectLiteralExpression(node) ? node.properties : []) {
      if (!ts.isPropertyAssignment(property) || !ts.isIdentifier(property.name)) {
        refuse(property, 'an option that is not a plain `name: value`');
      }
      const assignment = property as ts.PropertyAssignment;
      const key = (assignment.name as ts.Identifier).text;
      const value = assignment.initializer;
      const text = value.getText(programFile);
      if (key === 'timeout') options.timeout = text;
      else if (key === 'skip' && !isHook) options.skip = text;
      else if (key === 'only' && !isHook && value.kind === ts.SyntaxKind.TrueKeyword) options.only = true;
      else if (key === 'concurrency' && (text === '1' || text === 'false')) continue;
      else refuse(property, `the option '${key}: ${text}'`);
    }
    const result: Options = {
      node: node as ts.ObjectLiteralExpression | undefined,
      timeout: options.timeout,
      skip: options.skip,
      only: options.only,
    };
    optionsCache.set(runner.call, result);
    return result;
  };

  // The test or hook whose function a call is written in, if any.
  const runningIn = (call: ts.CallExpression): RunnerCall | undefined => {
    for (let node: ts.Node = call.parent; node; node = node.parent) {
      if (!isFunctionLike(node as ts.Expression) || !ts.isCallExpression(node.parent)) continue;
      const owner = calls.find((c) => c.call === node.parent && c.jestName !== 'describe');
      if (owner) return owner;
    }
    return undefined;
  };
  let cleansUpAfterTests = false;

  for (const runner of calls) {
    const { call, jestName, modifier, identifier } = runner;
    const owner = runningIn(call);
    if (owner) {
      // node:test's after(fn) in a running test runs fn when that test ends: an afterEach drains them.
      if (jestName !== 'afterAll' || hooks.has(owner.jestName) || call.arguments.length !== 1) {
        refuse(call, `'${identifier.text}' called while a test or hook runs`);
      }
      cleansUpAfterTests = true;
      used.add('afterEach');
      edits.push({ start: identifier.getStart(programFile), end: identifier.getEnd(), text: 'afterThisTest.push' });
      continue;
    }
    const options = optionsOf(runner);
    const args = call.arguments;
    const fnArgument = hooks.has(jestName) ? args[0] : args[args.length - 1];
    const fn = fnArgument && isFunctionLike(fnArgument) ? fnArgument : undefined;
    if (runner.modifier === 'todo' && fn) refuse(call, 'a todo test with a body (jest.todo takes a name only)');
    if (jestName === 'describe' && fn && isAsync(fn)) refuse(fn, 'an async suite (jest collects suites synchronously)');

    // The callee: its name, and .skip/.only from the options.
    let callee = jestName;
    let wrap: string | undefined;
    if (options.skip !== undefined) {
      if (modifier) refuse(call, `'skip' option on .${modifier}`);
      const literal = options.skip;
      if (literal === 'true' || /^(['"`]).+\1$/s.test(literal)) callee = `${jestName}.skip`;
      else if (literal === 'false' || literal === "''" || literal === '""') callee = jestName;
      else wrap = `(${literal} ? ${jestName}.skip : ${jestName})`;
    } else if (options.only) {
      if (modifier) refuse(call, `'only' option on .${modifier}`);
      callee = `${jestName}.only`;
    }
    used.add(jestName);
    edits.push({ start: identifier.getStart(programFile), end: identifier.getEnd(), text: wrap ?? callee });

    // The options argument goes; its timeout becomes jest's third argument.
    if (options.node) {
      // With what separates it from the next argument, or (options last) from the previous one.
      const index = args.indexOf(options.node);
      const next = args[index + 1];
      if (next) edits.push({ start: options.node.getStart(programFile), end: next.getStart(programFile), text: '' });
      else edits.push({ start: args[index - 1]!.getEnd(), end: options.node.getEnd(), text: '' });
    }
    if (jestName !== 'describe' && modifier !== 'todo') {
      const timeout = options.timeout ?? inheritedTimeout(call);
      if (timeout) {
        if (!fn) refuse(call, 'a timeout on a test without an inline function');
        edits.push({ start: fn!.getEnd(), end: fn!.getEnd(), text: `, ${timeout}` });
      }
    }

    // The test context parameter.
    if (fn && (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && fn.parameters.length > 0) {
      if (jestName === 'describe') refuse(fn, 'a suite using its context');
      if (fn.parameters.length > 2) refuse(fn, 'more parameters than node:test passes');
      const context = fn.parameters[0]!;
      if (!ts.isIdentifier(context.name)) refuse(context, 'a destructured test context');
      const contextSymbol = checker.getSymbolAtLocation(context.name)!;
      const references: ts.Identifier[] = [];
      const find = (node: ts.Node): void => {
        if (ts.isIdentifier(node) && node !== context.name && checker.getSymbolAtLocation(node) === contextSymbol) {
          references.push(node);
        }
        ts.forEachChild(node, find);
      };
      find(fn.body);
      for (const reference of references) {
        const access = reference.parent;
        if (!ts.isPropertyAccessExpression(access) || access.expression !== reference) {
          refuse(reference, 'the test context used other than by a property');
        }
        const property = (access as ts.PropertyAccessExpression).name.text;
        const range = { start: access.getStart(programFile), end: access.getEnd() };
        if (property === 'diagnostic' && ts.isCallExpression(access.parent) && access.parent.expression === access) {
          edits.push({ ...range, text: 'console.log' });
        } else {
          refuse(access, `the test context's '${property}' (${hintFor(property)})`);
        }
      }
      const done = fn.parameters[1];
      const parameters = fn.parameters;
      const start = parameters[0]!.getStart(programFile);
      const end = parameters[parameters.length - 1]!.getEnd();
      const text = done ? done.getText(programFile) : '';
      const parenthesized = fn.getChildren(programFile).some((c) => c.kind === ts.SyntaxKind.OpenParenToken);
      edits.push({ start, end, text: parenthesized ? text : `(${text})` });
    }
  }

  // The import.
  const names = [...used].sort();
  const first = imports[0]!;
  edits.push({
    start: first.getStart(programFile),
    end: first.getEnd(),
    text: names.length > 0 ? `import { ${names.join(', ')} } from '@jest/globals';` : '',
  });
  if (cleansUpAfterTests) {
    const lastImport = programFile.statements.filter(ts.isImportDeclaration).at(-1)!;
    edits.push({
      start: lastImport.getEnd(),
      end: lastImport.getEnd(),
      text: [
        '',
        '',
        "/** What a test registered to run when it ends (node:test's `after` in a test), in that order. */",
        'const afterThisTest: (() => unknown)[] = [];',
        'afterEach(async () => {',
        '  for (const cleanUp of afterThisTest.splice(0)) await cleanUp();',
        '});',
      ].join('\n'),
    });
  }
  for (const other of imports.slice(1)) edits.push({ start: other.getFullStart(), end: other.getEnd(), text: '' });

  return applyEdits(source, edits, fileName);
}

function importsNodeTest(fileName: string, source: string): boolean {
  if (!source.includes('node:test')) return false;
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  return file.statements.some(
    (s) => ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier) && s.moduleSpecifier.text === 'node:test',
  );
}

function hintFor(property: string): string {
  if (property === 'skip') return 'decide the skip when declaring the test: (condition ? it.skip : it)(…)';
  if (property === 'after') return 'an afterEach or afterAll hook, or try/finally in the test';
  if (property === 'mock') return "jest.fn / jest.spyOn from '@jest/globals'";
  if (property === 'name') return 'expect.getState().currentTestName, which also names the suites';
  return 'no jest counterpart';
}

function isFunctionLike(node: ts.Expression): boolean {
  return ts.isArrowFunction(node) || ts.isFunctionExpression(node);
}

function isAsync(node: ts.Expression): boolean {
  return (
    (ts.canHaveModifiers(node) && ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) ?? false
  );
}

function applyEdits(source: string, edits: Edit[], fileName: string): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let result = source;
  let limit = Infinity;
  for (const edit of sorted) {
    if (edit.end > limit) throw new Error(`${fileName}: overlapping edits at ${edit.start} (a bug of this codemod)`);
    result = result.slice(0, edit.start) + edit.text + result.slice(edit.end);
    limit = edit.start;
  }
  return result;
}

function singleFileHost(fileName: string, file: ts.SourceFile): ts.CompilerHost {
  return {
    getSourceFile: (name) => (name === fileName ? file : undefined),
    getDefaultLibFileName: () => 'lib.d.ts',
    writeFile: () => undefined,
    getCurrentDirectory: () => '',
    getCanonicalFileName: (name) => name,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => '\n',
    fileExists: (name) => name === fileName,
    readFile: () => undefined,
  };
}

async function main(argv: readonly string[]): Promise<number> {
  const root = resolve(import.meta.dirname, '..');
  const check = argv.includes('--check');
  const given = argv.filter((arg) => arg !== '--check');
  const files =
    given.length > 0
      ? given.map((file) => resolve(file))
      : globSync('**/*.ts', {
          cwd: root,
          exclude: (name) => ['node_modules', 'dist', '.stack', '.git'].includes(String(name)),
        }).map((file) => resolve(root, file));
  const stillNodeTest = files.filter((file) => importsNodeTest(file, readFileSync(file, 'utf8')));
  if (check) {
    for (const file of stillNodeTest) console.log(relative(root, file));
    return stillNodeTest.length > 0 ? 1 : 0;
  }
  let refused = 0;
  let converted = 0;
  for (const file of stillNodeTest) {
    const name = relative(root, file);
    try {
      const result = convert(name, readFileSync(file, 'utf8'));
      if (result === undefined) continue;
      const config = await prettier.resolveConfig(file);
      writeFileSync(file, await prettier.format(result, { ...config, filepath: file }));
      converted++;
      console.log(`converted ${name}`);
    } catch (error) {
      if (!(error instanceof Refused)) throw error;
      refused++;
      console.error(`left as it is, convert by hand: ${error.message}`);
    }
  }
  console.log(`${converted} converted, ${refused} left to convert by hand`);
  return refused > 0 ? 1 : 0;
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
