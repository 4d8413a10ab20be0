/** A well-formed note whose signatures do not verify against the expected key. */
export class NoteSignatureError extends Error {
  override readonly name = 'NoteSignatureError';
  constructor(
    message: string,
    /** `bad-signature`: the key's signature is present and wrong; `unsigned`: it is not there. */
    readonly reason: 'bad-signature' | 'unsigned',
  ) {
    super(message);
  }
}
