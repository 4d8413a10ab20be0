import { fileURLToPath } from 'node:url';

/**
 * The repository checkout, for files the stack ships outside the code (infra/). Located from this
 * module's compiled place, dist/tools/stack/src/, so that it does not depend on the caller's cwd.
 */
export const projectRoot = fileURLToPath(new URL('../../../../', import.meta.url));
