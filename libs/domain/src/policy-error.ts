/** A policy file that does not validate: names the file and the field to fix. */
export class PolicyError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${file}: ${field}: ${problem}`);
    this.name = 'PolicyError';
  }
}
