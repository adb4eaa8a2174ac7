import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (never a downloaded build), headless, kept off the network but for this machine. */
export function launchChromium(reachable: readonly string[] = []): Promise<Browser> {
  // Only loopback and the test's own hosts resolve; every other name fails at once instead of leaving the box.
  const exclusions = ['127.0.0.1', ...reachable].map((host) => `EXCLUDE ${host}`).join(' , ');
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--host-resolver-rules=MAP * ~NOTFOUND , ${exclusions}`,
    ],
  });
}

/** Fills in the sign-in page and submits it; what follows (where the app goes) is the caller's to check. */
export async function submitLogin(page: Page, user: { username: string; password: string }): Promise<void> {
  await page.getByTestId('login-username').fill(user.username);
  await page.getByTestId('login-password').fill(user.password);
  await page.getByTestId('login-submit').click();
}
