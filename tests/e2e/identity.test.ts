import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, submitLogin } from '../support/browser.js';
import { startBuiltServer, type ServerProcess } from '../support/server-process.js';

const ADMIN = { username: 'owner', password: 'owner passphrase 2026' };
const VIEWER = { username: 'vivian', password: 'viewer passphrase 2026' };
const SHOTS = 'test-results/e2e';

describe('identity in the browser: setup → login → users → roles → logout', () => {
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startBuiltServer();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  });
  afterAll(async () => {
    await browser.close();
    await server.stop();
  });

  const signIn = async (user: { username: string; password: string }) => {
    await submitLogin(page, user);
    await expect.poll(() => page.getByTestId('current-user').textContent()).toContain(user.username);
  };
  const signOut = async () => {
    await page.getByTestId('logout').click();
    await page.waitForURL(/\/login/);
  };

  it('shows first-run setup on a fresh box and signs the new admin in', async () => {
    await page.goto(`${server.url}/live`);
    await page.waitForURL(/\/setup/);
    await page.getByTestId('setup-username').fill(ADMIN.username);
    await page.getByTestId('setup-password').fill(ADMIN.password);
    await page.getByTestId('setup-password-confirm').fill(ADMIN.password);
    await page.screenshot({ path: `${SHOTS}/01-setup.png` });
    await page.getByTestId('setup-submit').click();
    await expect.poll(() => page.getByTestId('current-user').textContent()).toContain(ADMIN.username);
    // The live socket comes up once signed in.
    await expect
      .poll(() => page.getByTestId('ws-status').textContent(), { timeout: 10_000 })
      .toContain('connected');
  });

  it('lets the admin create a viewer from the users page', async () => {
    await page.getByTestId('nav-users').click();
    await page.waitForURL(/\/users/);
    await page.getByTestId('user-create-username').fill(VIEWER.username);
    await page.getByTestId('user-create-password').fill(VIEWER.password);
    await page.getByTestId('user-create-role').selectOption('viewer');
    await page.getByTestId('user-create-submit').click();
    const row = page.locator(`[data-testid="user-row"][data-username="${VIEWER.username}"]`);
    await row.waitFor();
    expect(await row.getByTestId('user-role').inputValue()).toBe('viewer');
    await page.screenshot({ path: `${SHOTS}/02-users.png` });
    // Delete goes through the confirmation dialog, and the row goes away.
    await page.getByTestId('user-create-username').fill('temporary');
    await page.getByTestId('user-create-password').fill(VIEWER.password);
    await page.getByTestId('user-create-submit').click();
    const temporary = page.locator('[data-testid="user-row"][data-username="temporary"]');
    await temporary.waitFor();
    await temporary.getByTestId('user-delete').click();
    await page.getByTestId('confirm-delete').click();
    await temporary.waitFor({ state: 'detached' });
    await signOut();
  });

  it('refuses the users page to the viewer, in the UI and in the API', async () => {
    await signIn(VIEWER);
    expect(await page.getByTestId('nav-users').count()).toBe(0);
    await page.goto(`${server.url}/users`);
    await page.getByTestId('forbidden').waitFor();
    expect(await page.getByTestId('forbidden').textContent()).toMatch(/permission/i);
    const status = await page.evaluate(async () => (await fetch('/api/users')).status);
    expect(status).toBe(403);
    await page.screenshot({ path: `${SHOTS}/03-forbidden.png` });
  });

  it('logs out: the session is gone on the server too', async () => {
    await signOut();
    const status = await page.evaluate(async () => (await fetch('/api/auth/me')).status);
    expect(status).toBe(401);
    await page.goto(`${server.url}/account`);
    await page.waitForURL(/\/login/);
  });

  it('sends a signed-out visitor of a bookmarked camera page to sign in, and back there after', async () => {
    // A fresh tab: its first page fetches the camera list along with the session check, and that 401 must not
    // read as a session that just expired.
    const tab = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const cameraLists: number[] = [];
    tab.on('response', (response) => {
      if (new URL(response.url()).pathname === '/api/cameras') cameraLists.push(response.status());
    });
    await tab.goto(`${server.url}/live/1`);
    await tab.waitForURL(/\/login\?redirect=(%2F|\/)live(%2F|\/)1$/);
    expect(cameraLists).toEqual([401]);
    await expect.poll(() => tab.getByTestId('login-submit').isVisible()).toBe(true);
    expect(await tab.getByText(/session has expired|session was ended/).count()).toBe(0);
    await submitLogin(tab, VIEWER);
    await tab.waitForURL(/\/live\/1$/);
    await expect.poll(() => cameraLists.at(-1)).toBe(200);
    await tab.close();
  });

  it('works on a phone-sized screen', async () => {
    const phone = await browser.newPage({ viewport: { width: 375, height: 740 } });
    await phone.goto(`${server.url}/login`);
    await submitLogin(phone, ADMIN);
    await phone.waitForURL((url) => !url.pathname.startsWith('/login'));
    await phone
      .getByTestId('logout')
      .or(phone.getByRole('button', { name: /menu/i }))
      .first()
      .waitFor();
    // Runs in the page (a string, since tests are typed without the DOM): no horizontal scrolling on a phone.
    const overflow: unknown = await phone.evaluate(
      'document.documentElement.scrollWidth - window.innerWidth',
    );
    expect(overflow).toBe(0);
    await phone.screenshot({ path: `${SHOTS}/04-phone.png` });
    await phone.close();
  });
});
