/** No Java 17+ could be run; names what was tried and why it did not do. */
export class NoUsableJdkError extends Error {
  constructor(readonly tried: string) {
    super(`no usable JDK: set JAVA_HOME to a JDK 17+ (tried ${tried})`);
    this.name = 'NoUsableJdkError';
  }
}
