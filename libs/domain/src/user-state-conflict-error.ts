/**
 * Two facts about one user that cannot both be true, e.g. the same Cognito user imported as two
 * different users of one target realm. Downstream systems remap foreign keys through the
 * translation `sub -> target id`, so the projection refuses the second fact rather than pick one;
 * the projector dead-letters it with this message for a person to resolve.
 */
export class UserStateConflictError extends Error {
  constructor(
    readonly sub: string,
    readonly field: string,
    readonly problem: string,
  ) {
    super(`user ${sub}: ${field}: ${problem}`);
    this.name = 'UserStateConflictError';
  }
}
