import { access, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Debian's Chromium (`apt-get install chromium`; `.ci/run` installs it when missing), driven by
 * playwright-core: no browser is downloaded at run time. CHROMIUM_PATH names another binary.
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  try {
    await access(executablePath);
  } catch {
    throw new Error(
      `no Chromium at ${executablePath}: install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH`,
    );
  }
  return chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/**
 * Runs `body` on a fresh page of its own browser context (own cookies). When it fails, the page's
 * screenshot and HTML are saved under `outputDir/<name>/` before the error is passed on.
 */
export async function withPage<T>(
  browser: Browser,
  outputDir: string,
  name: string,
  body: (page: Page) => Promise<T>,
): Promise<T> {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    return await body(page);
  } catch (error) {
    const dir = join(outputDir, name.replace(/[^\w.-]+/g, '-'));
    await mkdir(dir, { recursive: true });
    await page.screenshot({ path: join(dir, 'page.png'), fullPage: true }).catch(() => undefined);
    await writeFile(join(dir, 'page.html'), await page.content().catch(() => '')).catch(() => undefined);
    throw error;
  } finally {
    await context.close();
  }
}
