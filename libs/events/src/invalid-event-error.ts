/**
 * An event that does not match its schema, its content hash or its id. `path` names the offending
 * field (e.g. `data.groups[3]`), so a dead-letter entry says exactly what was wrong and where.
 */
export class InvalidEventError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
    readonly eventType?: string,
  ) {
    super(`${eventType ? `${eventType}: ` : ''}${path ? `${path}: ` : ''}${problem}`);
    this.name = 'InvalidEventError';
  }
}
