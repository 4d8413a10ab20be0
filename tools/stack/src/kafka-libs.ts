import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Env } from '#config';
import type { Java } from './find-java.js';
import { projectRoot } from './project-root.js';
import { StackError } from './stack-error.js';

const execFileAsync = promisify(execFile);

export const kafkaPom = join(projectRoot, 'infra', 'kafka', 'pom.xml');

/**
 * The broker's jars, copied by Maven from Maven Central into `<kafkaDir>/libs` once. The folder is
 * only trusted when it carries the hash of the pom it was resolved from: an interrupted copy or a
 * version bump in the pom fetches again.
 */
export async function ensureKafkaLibs(
  kafkaDir: string,
  java: Java,
  env: Env,
  report: (line: string) => void,
): Promise<string> {
  const libs = join(kafkaDir, 'libs');
  const stamp = '.resolved-from-pom';
  const pomHash = createHash('sha256')
    .update(await readFile(kafkaPom))
    .digest('hex');
  if ((await readFile(join(libs, stamp), 'utf8').catch(() => '')) === pomHash) return libs;

  report('fetching the broker from Maven Central (first run only)');
  const partial = `${libs}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  try {
    await execFileAsync(
      'mvn',
      ['-B', '-q', '-f', kafkaPom, 'dependency:copy-dependencies', `-DoutputDirectory=${partial}`],
      { env: { ...env, JAVA_HOME: java.home }, maxBuffer: 16 * 1024 * 1024 },
    );
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new StackError('kafka', 'Maven (mvn) is not installed; it fetches the broker from Maven Central', {
        cause: error,
      });
    }
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    const reason = `${stdout}\n${stderr}`.split('\n').find((line) => line.includes('[ERROR]')) ?? 'mvn failed';
    throw new StackError('kafka', `could not fetch the broker with mvn: ${reason.trim()}`, { cause: error });
  }
  await writeFile(join(partial, stamp), pomHash);
  await rm(libs, { recursive: true, force: true });
  await rename(partial, libs);
  return libs;
}
