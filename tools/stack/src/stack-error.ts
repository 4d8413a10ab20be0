/** A stack component could not be fetched, started, reached or stopped; names the component at fault. */
export class StackError extends Error {
  constructor(
    readonly component: string,
    problem: string,
    options?: ErrorOptions,
  ) {
    super(`${component}: ${problem}`, options);
    this.name = 'StackError';
  }
}
