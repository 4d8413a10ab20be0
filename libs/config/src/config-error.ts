/** One setting at fault: the environment variable, and what is wrong with its value (never the value). */
export interface ConfigIssue {
  readonly variable: string;
  readonly problem: string;
}

/**
 * One or more configuration values are missing or malformed. Every issue found is listed, one per
 * line as `VARIABLE: problem`, so that an operator fixes them all in one go.
 */
export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];

  constructor(variable: string, problem: string);
  constructor(issues: readonly ConfigIssue[]);
  constructor(first: string | readonly ConfigIssue[], problem?: string) {
    const issues = typeof first === 'string' ? [{ variable: first, problem: problem ?? 'is invalid' }] : first;
    super(issues.map((issue) => `${issue.variable}: ${issue.problem}`).join('\n'));
    this.name = 'ConfigError';
    this.issues = issues;
  }

  /** The first variable at fault. */
  get variable(): string {
    return this.issues[0]?.variable ?? 'environment';
  }
}
