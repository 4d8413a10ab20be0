/** A signed note, or a signer or verifier key string, that is not in the C2SP signed-note form. */
export class MalformedNoteError extends Error {
  override readonly name = 'MalformedNoteError';
}
