import { sqlState } from './sql-state.js';

/**
 * SQLSTATE 53100 (disk full) and 53200 (out of memory): the projection's database cannot take the
 * batch until an operator acts. Retrying alone will not help, so a run that must end (`ledger
 * project`) ends with this; a following projector keeps retrying and says so, and resumes by
 * itself once there is room. Nothing is skipped either way: the batch's transaction was rolled back.
 */
export class ProjectionDatabaseFullError extends Error {
  static of(error: unknown): ProjectionDatabaseFullError | undefined {
    const code = sqlState(error);
    if (code !== '53100' && code !== '53200') return undefined;
    const what = code === '53100' ? 'out of disk space' : 'out of memory';
    const detail = error instanceof Error ? error.message : String(error);
    return new ProjectionDatabaseFullError(
      `the projection database is ${what} (SQLSTATE ${code}: ${detail}); the batch was rolled back and nothing was skipped: free space on the database server, then run again`,
      { cause: error },
    );
  }

  private constructor(message: string, options: ErrorOptions) {
    super(message, options);
    this.name = 'ProjectionDatabaseFullError';
  }
}
