/**
 * A real browser for the e2e tests: Debian's Chromium driven by playwright-core.
 *
 * The flags keep Chromium quiet on a machine without internet (no background networking, component
 * updates, sync or QUIC probes that would otherwise flood it with refused connections), and every
 * launch gets a new, empty profile directory, removed on close.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import axe from 'axe-core';
import type { AxeResults, Result, RunOptions } from 'axe-core';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

/** WCAG 2.0, 2.1 and 2.2, levels A and AA. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'] as const;

const here = dirname(fileURLToPath(import.meta.url));
export const SCREENSHOT_DIR = join(here, '..', 'screenshots');

export interface BrowserSession {
  browser: Browser;
  /** The default (persistent) context, on the fresh profile. */
  context: BrowserContext;
  userDataDir: string;
  close(): Promise<void>;
}

export function chromiumPath(): string {
  const path = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!existsSync(path)) {
    throw new Error(`Chromium not found at ${path}. Install it (apt-get install chromium) or set CHROMIUM_PATH.`);
  }
  return path;
}

export async function launchBrowser(extraArgs: string[] = []): Promise<BrowserSession> {
  if (extraArgs.some((a) => a.startsWith('--user-data-dir'))) {
    throw new Error('launchBrowser makes its own fresh --user-data-dir; do not pass one');
  }
  const userDataDir = mkdtempSync(join(tmpdir(), 'medichat-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath(),
      args: [...CHROMIUM_ARGS, ...extraArgs],
      viewport: { width: 1280, height: 800 },
    });
  } catch (err) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw err;
  }
  const browser = context.browser();
  if (!browser) throw new Error('playwright-core returned a persistent context without a browser');
  return {
    browser,
    context,
    userDataDir,
    async close() {
      await context.close().catch(() => {});
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export interface ConsoleProblem {
  kind: 'console' | 'pageerror';
  text: string;
  url?: string;
}

/**
 * Collects console errors and uncaught exceptions from now on. Returns the live list: check it
 * (`assert.deepEqual(errors, [])`) after the page has done its work.
 */
export function collectConsoleErrors(page: Page): ConsoleProblem[] {
  const problems: ConsoleProblem[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    problems.push({ kind: 'console', text: message.text(), url: message.location().url || undefined });
  });
  page.on('pageerror', (error) => {
    problems.push({ kind: 'pageerror', text: error.stack ?? error.message });
  });
  return problems;
}

declare global {
  interface Window {
    axe?: typeof axe;
  }
}

/**
 * Runs axe-core in the page (WCAG 2.0/2.1/2.2 A and AA unless other tags are given) and returns
 * its violations. The script is evaluated through the DevTools protocol, so the page's CSP does
 * not block it and need not be relaxed for the test.
 */
export async function runAxe(
  page: Page,
  options: { tags?: readonly string[]; include?: string } = {},
): Promise<Result[]> {
  const loaded = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!loaded) await page.evaluate(axe.source);
  const runOptions: RunOptions = {
    runOnly: { type: 'tag', values: [...(options.tags ?? WCAG_TAGS)] },
    resultTypes: ['violations'],
  };
  const results = await page.evaluate(
    ([include, opts]) => window.axe!.run(include ? { include: [include] } : document, opts),
    [options.include ?? null, runOptions] as const,
  );
  return (results as AxeResults).violations;
}

/** One line per failing node, for assertion messages. */
export function formatViolations(violations: Result[]): string {
  return violations
    .flatMap((v) =>
      v.nodes.map(
        (n) => `[${v.impact ?? 'n/a'}] ${v.id}: ${v.help}\n    at ${n.target.join(' ')}\n    ${n.failureSummary ?? ''}`,
      ),
    )
    .join('\n');
}

/** Full-page PNG into e2e/screenshots/<name>.png (gitignored); returns the path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name.replace(/[^A-Za-z0-9._-]+/g, '-')}.png`);
  await page.screenshot({ path, fullPage: true, animations: 'disabled' });
  return path;
}

/** Issue #13's evidence files (phone journeys, print PDFs): e2e/artifacts/ (gitignored). */
export const ARTIFACT_DIR = join(here, '..', 'artifacts');

/** Writes `data` to e2e/artifacts/<name>; returns the path. */
export function saveArtifact(name: string, data: Buffer | Uint8Array): string {
  mkdirSync(ARTIFACT_DIR, { recursive: true });
  const path = join(ARTIFACT_DIR, name.replace(/[^A-Za-z0-9._-]+/g, '-'));
  writeFileSync(path, data);
  return path;
}

/** A PNG of the page into e2e/artifacts/<name>.png (the first screen, or the full page); returns the path. */
export async function artifactScreenshot(
  page: Page,
  name: string,
  options: { fullPage?: boolean } = {},
): Promise<string> {
  mkdirSync(ARTIFACT_DIR, { recursive: true });
  const path = join(ARTIFACT_DIR, `${name.replace(/[^A-Za-z0-9._-]+/g, '-')}.png`);
  await page.screenshot({ path, fullPage: options.fullPage ?? false, animations: 'disabled' });
  return path;
}
