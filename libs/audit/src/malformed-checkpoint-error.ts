/** A checkpoint body that is not a C2SP tlog-checkpoint; the message names the bad line. */
export class MalformedCheckpointError extends Error {
  override readonly name = 'MalformedCheckpointError';
}
