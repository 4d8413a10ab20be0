import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Part of `npm run build`: puts the dashboard's page (apps/projector/dashboard) and the chart
 * library it draws with (uPlot, from npm) beside the compiled projector, so the page loads
 * nothing from elsewhere at run time.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const source = join(root, 'apps', 'projector', 'dashboard');
const target = join(root, 'dist', 'apps', 'projector', 'dashboard');
const uplot = dirname(createRequire(import.meta.url).resolve('uplot/dist/uPlot.iife.min.js'));

await mkdir(target, { recursive: true });
for (const name of await readdir(source)) await copyFile(join(source, name), join(target, name));
for (const name of ['uPlot.iife.min.js', 'uPlot.min.css']) await copyFile(join(uplot, name), join(target, name));
