import { MultiBar, Presets } from 'cli-progress';

/**
 * Progress bars for long commands, one per phase. On a terminal they redraw in place; in CI or a
 * pipe (no TTY) they print nothing and the command's final summary says everything.
 */
export class TerminalProgress {
  private readonly bars = new MultiBar(
    { format: ' {phase} |{bar}| {value}/{total} {unit}', hideCursor: true, clearOnComplete: false, noTTYOutput: false },
    Presets.shades_classic,
  );
  private readonly byPhase = new Map<string, ReturnType<MultiBar['create']>>();

  constructor(private readonly enabled = process.stderr.isTTY === true) {}

  update(phase: string, done: number, total: number | null, unit: string): void {
    if (!this.enabled) return;
    const bar = this.byPhase.get(phase) ?? this.bars.create(total ?? done, 0, { phase: phase.padEnd(7), unit });
    this.byPhase.set(phase, bar);
    bar.setTotal(Math.max(total ?? 0, done));
    bar.update(done, { phase: phase.padEnd(7), unit });
  }

  stop(): void {
    if (this.enabled) this.bars.stop();
  }
}
