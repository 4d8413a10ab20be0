import { localStack, type ComponentStatus } from '#stack';

/**
 * jest's `globalSetup` (this module's default export) and `globalTeardown` (global-teardown.ts,
 * which calls {@link globalTeardown}) for the integration project: jest calls the setup once before
 * the first integration spec and the teardown once after the last, both in its own process, so
 * this module's state carries from one to the other.
 *
 * The tests run on the local stack: the local profile is set here, in jest's process, before any
 * spec's environment copies process.env from it and before any `ledger` command a test starts
 * inherits it, so that `npm test` needs nothing set on a fresh clone.
 */
process.env.LEDGER_PROFILE = 'local';
const stack = localStack(process.env);
let startedHere: ReadonlySet<string> = new Set();

/** Brings the stack up, reusing whatever already runs, and remembers what it had to start. */
export default async function globalSetup(): Promise<void> {
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
