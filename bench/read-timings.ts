/** Nearest-rank percentile of millisecond timings (p in 0–100). */
export function percentile(values: readonly number[], p: number): number {
  return [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)]!;
}

/** Milliseconds to one decimal, as the benches print them. */
export function roundMs(ms: number): number {
  return Number(ms.toFixed(1));
}

/**
 * The times of `repeats` runs of a read, after one untimed run: plans cached and pages in memory,
 * as for a dashboard open all day.
 */
export async function timedRuns(work: () => Promise<unknown>, repeats: number): Promise<number[]> {
  await work();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  return times;
}
