/** The signing or verifier key is missing or unreadable; the message names the setting, never the key. */
export class SealKeyError extends Error {
  override readonly name = 'SealKeyError';
}
