import type { StageContradiction } from './demo-stage-checks.js';

/** A stage of `ledger demo` whose figures contradict an earlier stage's: the demo stops there. */
export class DemoStageError extends Error {
  constructor(readonly contradictions: readonly StageContradiction[]) {
    super(
      contradictions.map((c) => `demo stage ${c.stage}: ${c.problem}`).join('; ') ||
        'demo stage check failed without a finding',
    );
    this.name = 'DemoStageError';
  }
}
