import { relative, sep } from 'node:path';
import { projectRoot } from './project-root.js';

/**
 * What of a script's path tells a process of the stack from another that got its pid: the path
 * below node_modules (a package's script) or below the checkout (one of ours), not the whole path.
 * Another checkout of the product using the same STACK_DIR (an upgrade cloned to a new folder)
 * then still finds, reuses and stops what the first one started; told by the whole path, it took
 * them for strangers, dropped their pid files and could no longer stop them.
 */
export function scriptMarker(script: string): string {
  const packages = `${sep}node_modules${sep}`;
  const at = script.lastIndexOf(packages);
  return at >= 0 ? script.slice(at + packages.length) : relative(projectRoot, script);
}
