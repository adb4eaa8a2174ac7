import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, submitLogin } from '../support/browser.js';
import { startBuiltServer, type ServerProcess } from '../support/server-process.js';

const ADMIN = { username: 'keeper', password: 'keeper passphrase 2026' };
const VIEWER = { username: 'vera', password: 'viewer passphrase 2026' };
const VAULT_PASSPHRASE = 'open sesame, development only';
const SHOTS = 'test-results/e2e';

// The development vault (a plain directory) goes through the same API and pages as the LUKS one; tests/vault
// covers the real volume. Here: what the browser shows and does around lock and unlock.
describe('the vault in the browser: insecure banner → lock → wrong passphrase → unlock', () => {
  let vaultDir: string;
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    vaultDir = mkdtempSync(path.join(tmpdir(), 'vigil-e2e-vault-'));
    server = await startBuiltServer({
      VIGIL_VAULT: `dir:${vaultDir}`,
      VIGIL_ALLOW_INSECURE_VAULT: '1',
      VIGIL_DEV_VAULT_PASSPHRASE: VAULT_PASSPHRASE,
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  });
  afterAll(async () => {
    await browser.close();
    await server.stop();
    rmSync(vaultDir, { recursive: true, force: true });
  });

  const vaultState = () => page.getByTestId('vault-state').getAttribute('data-state');
  const navState = () => page.getByTestId('nav-vault').getAttribute('data-state');

  it('warns on every signed-in page that the development vault is not encrypted', async () => {
    await page.goto(`${server.url}/setup`);
    await page.getByTestId('setup-username').fill(ADMIN.username);
    await page.getByTestId('setup-password').fill(ADMIN.password);
    await page.getByTestId('setup-password-confirm').fill(ADMIN.password);
    await page.getByTestId('setup-submit').click();
    await expect.poll(() => page.getByTestId('current-user').textContent()).toContain(ADMIN.username);

    const banner = page.getByTestId('insecure-vault-banner');
    await banner.waitFor();
    expect(await banner.textContent()).toContain(
      'Unencrypted development vault — files and footage here are NOT encrypted.',
    );
    await expect.poll(navState).toBe('unlocked');
    await page.getByTestId('nav-account').click();
    await page.waitForURL(/\/account/);
    expect(await banner.isVisible()).toBe(true);
    await page.screenshot({ path: `${SHOTS}/vault-01-banner.png` });
  });

  it('shows the admin the open volume and locks it', async () => {
    await page.getByTestId('nav-vault').click();
    await page.waitForURL(/\/vault$/);
    await expect.poll(vaultState).toBe('unlocked');
    const facts = page.getByTestId('vault-facts');
    expect(await facts.textContent()).toContain(vaultDir);
    // A plain directory has no LUKS header: no key slots or header backup to offer.
    expect(await page.getByTestId('vault-key-slots').count()).toBe(0);
    expect(await page.getByTestId('vault-header-backup').count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/vault-02-unlocked.png`, fullPage: true });

    await page.getByTestId('vault-lock').click();
    await expect.poll(vaultState).toBe('locked');
    await expect.poll(navState).toBe('locked');
    expect(await page.getByTestId('vault-state-label').textContent()).toBe('locked');
  });

  it('refuses a wrong passphrase with a message, then unlocks with the right one', async () => {
    const form = page.getByTestId('vault-unlock');
    await form.getByTestId('vault-unlock-passphrase').fill('not the passphrase at all');
    await form.getByTestId('vault-unlock-submit').click();
    await expect
      .poll(() => form.getByTestId('error').textContent())
      .toContain('That passphrase does not open the vault.');
    expect(await vaultState()).toBe('locked');
    await page.screenshot({ path: `${SHOTS}/vault-03-wrong-passphrase.png` });

    await form.getByTestId('vault-unlock-passphrase').fill(VAULT_PASSPHRASE);
    await form.getByTestId('vault-unlock-submit').click();
    await expect.poll(vaultState).toBe('unlocked');
    await expect.poll(navState).toBe('unlocked');
    await page.getByTestId('vault-lock').waitFor();
  });

  it('shows a viewer the state in plain words, without any controls', async () => {
    const created = await page.evaluate(
      async (user) =>
        (
          await fetch('/api/users', {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ ...user, role: 'viewer' }),
          })
        ).status,
      VIEWER,
    );
    expect(created).toBe(201);
    await page.getByTestId('logout').click();
    await page.waitForURL(/\/login/);
    await submitLogin(page, VIEWER);
    await expect.poll(() => page.getByTestId('current-user').textContent()).toContain(VIEWER.username);

    await page.getByTestId('nav-vault').click();
    await page.waitForURL(/\/vault$/);
    await expect.poll(vaultState).toBe('unlocked');
    expect(await page.getByTestId('vault-state').textContent()).toContain('files and recordings can be used');
    expect(await page.getByTestId('insecure-vault-banner').isVisible()).toBe(true);
    expect(await page.getByTestId('vault-lock').count()).toBe(0);
    expect(await page.getByTestId('vault-facts').count()).toBe(0);
  });

  it('fits a phone-sized screen', async () => {
    const phone = await browser.newPage({ viewport: { width: 375, height: 740 } });
    await phone.goto(`${server.url}/login`);
    await submitLogin(phone, ADMIN);
    await phone.waitForURL((url) => !url.pathname.startsWith('/login'));
    await phone.goto(`${server.url}/vault`);
    await phone.getByTestId('vault-facts').waitFor();
    await phone.getByTestId('insecure-vault-banner').waitFor();
    // Runs in the page (a string, since tests are typed without the DOM): no horizontal scrolling on a phone.
    const overflow: unknown = await phone.evaluate(
      'document.documentElement.scrollWidth - window.innerWidth',
    );
    expect(overflow).toBe(0);
    await phone.screenshot({ path: `${SHOTS}/vault-04-phone.png`, fullPage: true });
    await phone.close();
  });
});
