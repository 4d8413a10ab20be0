/** One reading of a stage's progress: how many items were done `seconds` after the stage started. */
export interface ProgressSample {
  readonly seconds: number;
  readonly done: number;
}

export interface StageDeciles {
  /** From the start of the stage to its first item (process start, connecting, bootstrapping). */
  readonly startupSeconds: number;
  /** Users per second in each tenth of the stage's items, first to last. */
  readonly perSecond: readonly number[];
  /** The seconds at which each tenth was complete, from the first item. */
  readonly at: readonly number[];
}

/**
 * Splits a stage's progress readings into tenths of its `total` items and gives the rate of each
 * as `users` per second (the stage may count records, of which there are not exactly one per
 * user: a tenth of the records is taken as a tenth of the users). The time a tenth was reached is
 * interpolated between the two readings around it; the stage's work starts at the last reading
 * that still saw nothing done, so start-up is reported apart and does not slow the first tenth.
 */
export function progressDeciles(samples: readonly ProgressSample[], total: number, users: number): StageDeciles {
  const ordered = [...samples].sort((a, b) => a.seconds - b.seconds);
  const idle = ordered.filter((s) => s.done <= 0);
  const start = idle.length > 0 ? idle[idle.length - 1]!.seconds : (ordered[0]?.seconds ?? 0);
  const reached = (target: number): number => {
    for (let i = 0; i < ordered.length; i++) {
      const sample = ordered[i]!;
      if (sample.done < target) continue;
      const previous = i === 0 ? { seconds: start, done: 0 } : ordered[i - 1]!;
      const span = sample.done - previous.done;
      return span <= 0
        ? sample.seconds
        : previous.seconds + ((target - previous.done) / span) * (sample.seconds - previous.seconds);
    }
    return ordered[ordered.length - 1]?.seconds ?? start;
  };
  const at = Array.from({ length: 10 }, (_, k) => Math.max(reached(((k + 1) * total) / 10), start));
  const perSecond = at.map((time, k) => {
    const seconds = time - (k === 0 ? start : at[k - 1]!);
    return seconds > 0 ? users / 10 / seconds : Number.POSITIVE_INFINITY;
  });
  return { startupSeconds: start, perSecond, at: at.map((time) => time - start) };
}
