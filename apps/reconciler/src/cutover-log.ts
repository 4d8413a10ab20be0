import { isEventOf } from '#events';
import type { Ledger } from '#ledger';
import { evolveCutover, initialCutover, type CutoverState } from '#domain';

const cutoverPhaseChanged: ReadonlySet<string> = new Set(['CutoverPhaseChanged']);

/** The target's cutover as the control topic tells it: every `CutoverPhaseChanged`, in order. */
export async function readCutover(ledger: Ledger, target: { kind: string; realm: string }): Promise<CutoverState> {
  let state = initialCutover;
  // No control topic yet: no decision yet. Not reading it keeps the broker from auto-creating it.
  if (!(await ledger.hasTopics([ledger.topics.controlEvents]))) return state;
  // An invalid record is the consumers' dead letter, not a phase change: the scan names it in a warning and goes on.
  await ledger.scanEvents([ledger.topics.controlEvents], cutoverPhaseChanged, (event) => {
    if (!isEventOf(event, 'CutoverPhaseChanged')) return;
    const { target: of } = event.data;
    if (of.kind === target.kind && of.realm === target.realm) state = evolveCutover(state, event.data);
  });
  return state;
}
