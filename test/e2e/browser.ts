/**
 * Headless Debian Chromium through playwright-core, WebGL on SwiftShader (software). Never
 * downloads a browser: /usr/bin/chromium is installed by `npm test`'s pretest (scripts/ensure-system.sh).
 */
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
    ],
  });
}

/** Collects console errors and uncaught page errors of `page`. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

/** Opens `url` and waits until the viewer has loaded its session and drawn. */
export async function openViewer(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(
    () => (window as unknown as { __edgeplan?: { ready?: boolean } }).__edgeplan?.ready === true,
    null,
    {
      timeout: 60_000,
    },
  );
}
