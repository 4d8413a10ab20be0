/**
 * The source pool cannot be read. `variable` names the setting the operator most likely has to
 * fix (COGNITO_USER_POOL_ID for an unknown pool, COGNITO_ENDPOINT for an unreachable endpoint).
 */
export class CognitoSourceError extends Error {
  constructor(
    readonly variable: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${message} (${variable})`, options);
    this.name = 'CognitoSourceError';
  }
}

const unreachable = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|ETIMEDOUT|socket hang up|TimeoutError/i;

/** Translates SDK failures into errors that say what is wrong and which setting to look at. */
export function toSourceError(error: unknown, poolId: string, endpoint: string | undefined): unknown {
  if (!(error instanceof Error)) return error;
  if (error.name === 'ResourceNotFoundException') {
    return new CognitoSourceError(
      'COGNITO_USER_POOL_ID',
      `user pool ${poolId} does not exist at ${endpoint ?? 'AWS'}`,
      { cause: error },
    );
  }
  if (unreachable.test(`${error.name} ${error.message} ${String((error as { code?: unknown }).code ?? '')}`)) {
    return new CognitoSourceError(
      'COGNITO_ENDPOINT',
      `Cognito is not reachable at ${endpoint ?? 'the AWS endpoint'}: ${error.message || error.name}`,
      { cause: error },
    );
  }
  if (
    error.name === 'NotAuthorizedException' ||
    error.name === 'AccessDeniedException' ||
    error.name === 'UnrecognizedClientException'
  ) {
    return new CognitoSourceError('AWS credentials', `not allowed to read pool ${poolId}: ${error.message}`, {
      cause: error,
    });
  }
  return error;
}
