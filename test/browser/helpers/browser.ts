/**
 * Real headless Chromium (Debian's `chromium` package) driven by playwright-core, with the flags a CI
 * container needs. Screenshots go to test-output/screenshots/ so a person can look at every page.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = resolve(__dirname, '../../../test-output/screenshots');

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Saves a full-page screenshot as test-output/screenshots/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Signs in through Strapi's own login form, as a person would, and waits for the dashboard. */
export async function signInWithPassword(page: Page, origin: string, email: string, password: string): Promise<void> {
  await page.goto(`${origin}/admin/auth/login`);
  await page.getByLabel(/email/i).fill(email);
  await page.getByLabel(/password/i).first().fill(password);
  await page.getByRole('button', { name: /login/i }).click();
  await page.waitForURL((url) => !url.pathname.includes('/auth/'), { timeout: 60_000 });
}

/**
 * A screenshot of the whole page: Strapi's admin scrolls inside its own containers (so `fullPage` sees one
 * viewport); the viewport is grown to the tallest scrolled content for the shot, then restored.
 */
export async function shotWholePage(page: Page, name: string, maxHeight = 8000): Promise<string> {
  const size = page.viewportSize() ?? { width: 1280, height: 900 };
  const height = await page.evaluate(() => {
    const scrolled = Array.from(document.querySelectorAll<HTMLElement>('*')).filter((element) => {
      const overflow = getComputedStyle(element).overflowY;
      return (overflow === 'auto' || overflow === 'scroll') && element.scrollHeight > element.clientHeight;
    });
    return Math.max(window.innerHeight, ...scrolled.map((element) => element.scrollHeight + element.getBoundingClientRect().top + 40));
  });
  await page.mouse.move(1, 1);
  await page.setViewportSize({ width: size.width, height: Math.min(Math.ceil(height), maxHeight) });
  await page.waitForTimeout(500); // dialogs and accordions animate in
  const path = await screenshot(page, name);
  await page.setViewportSize(size);
  return path;
}
