/** A phase change the cutover rules do not allow; the message says which rule. */
export class CutoverRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CutoverRefusedError';
  }
}
