import assert from 'node:assert/strict';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from '@jest/globals';
import { findJava, NoUsableJdkError } from './index.js';

describe('findJava', () => {
  it('finds a JDK 17+ and its home', async () => {
    const java = await findJava({ javaHome: undefined });
    assert.ok(java.major >= 17);
    await access(join(java.home, 'bin', 'java'));
  });

  it('names what it tried when JAVA_HOME holds no java', async () => {
    await assert.rejects(
      findJava({ javaHome: '/nonexistent/jdk' }),
      (error: unknown) =>
        error instanceof NoUsableJdkError &&
        error.message ===
          'no usable JDK: set JAVA_HOME to a JDK 17+ (tried /nonexistent/jdk/bin/java from JAVA_HOME: not found)',
    );
  });
});
