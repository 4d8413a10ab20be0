import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { StackConfig } from '#config';
import { NoUsableJdkError } from './no-usable-jdk-error.js';

const execFileAsync = promisify(execFile);

export interface Java {
  /** The `java` launcher to run. */
  readonly executable: string;
  /** What JAVA_HOME must be for tools that look for Java themselves (mvn, kc.sh). */
  readonly home: string;
  readonly version: string;
  readonly major: number;
}

const minimumMajor = 17;

/** JAVA_HOME's java when JAVA_HOME is set, otherwise `java` from PATH; it must run and be Java 17 or newer. */
export async function findJava(config: Pick<StackConfig, 'javaHome'>): Promise<Java> {
  const executable = config.javaHome === undefined ? 'java' : join(config.javaHome, 'bin', 'java');
  const tried = config.javaHome === undefined ? 'java on PATH' : `${executable} from JAVA_HOME`;
  let settings: string;
  try {
    // The JVM prints its settings on stderr; java.home is the real home even when `java` is a symlink on PATH.
    ({ stderr: settings } = await execFileAsync(executable, ['-XshowSettings:properties', '-version'], {
      timeout: 30_000,
    }));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : 'did not run';
    throw new NoUsableJdkError(`${tried}: ${reason}`);
  }
  const home = /^\s*java\.home = (.+)$/m.exec(settings)?.[1]?.trim();
  const version = /^\s*java\.version = (.+)$/m.exec(settings)?.[1]?.trim();
  const specification = /^\s*java\.specification\.version = (.+)$/m.exec(settings)?.[1]?.trim();
  if (home === undefined || version === undefined || specification === undefined) {
    throw new NoUsableJdkError(`${tried}: did not report its version`);
  }
  // Java 8 and older report "1.8"; from 9 on the specification version is the major number.
  const major = Number.parseInt(specification.startsWith('1.') ? specification.slice(2) : specification, 10);
  if (!(major >= minimumMajor)) throw new NoUsableJdkError(`${tried}: version ${version}`);
  return { executable: join(home, 'bin', 'java'), home, version, major };
}
