import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { defaultReconcilerPolicy, parseReconcilerPolicy, PolicyError, type ReconcilerPolicy } from '#domain';

/** Reads the policy file (YAML, which also reads JSON); no file: the documented defaults. */
export async function loadPolicy(file: string | undefined): Promise<ReconcilerPolicy> {
  if (file === undefined) return defaultReconcilerPolicy;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new PolicyError(file, '(file)', `cannot be read: ${(error as Error).message}`);
  }
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new PolicyError(file, '(document)', `is not valid YAML or JSON: ${(error as Error).message.split('\n')[0]}`);
  }
  return parseReconcilerPolicy(document, file);
}
