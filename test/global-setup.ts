import { localStack, type ComponentStatus } from '#stack';

/**
 * `node --test --test-global-setup=dist/test/global-setup.js`: the runner calls globalSetup once
 * before the first test file and globalTeardown once after the last, both in the runner's own
 * process, so this module's state carries from one to the other.
 *
 * The tests run on the local stack: the local profile is set here, in the runner's environment,
 * which every test file's process (and every `ledger` command a test starts) inherits, so that
 * `npm test` needs nothing set on a fresh clone.
 */
process.env.LEDGER_PROFILE = 'local';
const stack = localStack(process.env);
let startedHere: ReadonlySet<string> = new Set();

/** Brings the stack up, reusing whatever already runs, and remembers what it had to start. */
export async function globalSetup(): Promise<void> {
  const before = await stack.status();
  try {
    await stack.up((line) => process.stderr.write(`[stack] ${line}\n`));
  } catch (error) {
    // A failed start leaves no test to run; stop what this setup did manage to start.
    startedHere = newlyUp(before, await stack.status());
    await globalTeardown();
    throw error;
  }
  startedHere = newlyUp(before, await stack.status());
}

/** Stops only what globalSetup started: a stack a developer had running stays as it was. */
export async function globalTeardown(): Promise<void> {
  await stack.down((component) => startedHere.has(component.name));
}

function newlyUp(before: readonly ComponentStatus[], after: readonly ComponentStatus[]): ReadonlySet<string> {
  const wasUp = new Set(before.filter((status) => status.state === 'up').map((status) => status.name));
  return new Set(
    after.filter((status) => status.state === 'up' && !wasUp.has(status.name)).map((status) => status.name),
  );
}
