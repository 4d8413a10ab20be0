/**
 * Runs `work` with a signal that aborts on Ctrl-C or SIGTERM (or when `also` aborts), so a long
 * command stops cleanly where it is; the process handlers are removed afterwards.
 */
export async function untilStopped<T>(work: (signal: AbortSignal) => Promise<T>, also?: AbortSignal): Promise<T> {
  const stop = new AbortController();
  const onStop = () => stop.abort();
  also?.addEventListener('abort', onStop, { once: true });
  process.once('SIGINT', onStop);
  process.once('SIGTERM', onStop);
  try {
    return await work(stop.signal);
  } finally {
    also?.removeEventListener('abort', onStop);
    process.off('SIGINT', onStop);
    process.off('SIGTERM', onStop);
  }
}

/** Resolves on Ctrl-C or SIGTERM: for commands that serve until stopped. */
export function stopRequested(): Promise<void> {
  return untilStopped((signal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve())));
}
