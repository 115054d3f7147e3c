import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';

/** Debian's Chromium; the tests download no browser of their own. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const SCREENSHOTS = join(__dirname, 'screenshots');

export function launchChromium(): Promise<Browser> {
  // As root, Chromium runs only without its sandbox.
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

export interface Tab {
  page: Page;
  /** Script errors and console errors (a Content Security Policy violation among them). */
  complaints: string[];
  /** Bytes of the page's own scripts loaded so far (their Content-Length). */
  scriptBytes: () => number;
}

/** A page in a fresh context (its own sessionStorage, as a new tab), recording what the browser complains of. */
export async function openTab(browser: Browser): Promise<Tab> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const complaints: string[] = [];
  page.on('pageerror', (error) => complaints.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // A refused key is an expected answer, which Chromium also reports as a failed resource.
    if (message.type() === 'error' && !/status of 401/.test(message.text())) complaints.push(message.text());
  });
  let scripts = 0;
  page.on('response', (response) => {
    if (/^\/ui\/assets\/.+\.js$/.test(new URL(response.url()).pathname)) {
      scripts += Number(response.headers()['content-length']);
    }
  });
  const scriptBytes = () => scripts;
  return { page, complaints, scriptBytes };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
