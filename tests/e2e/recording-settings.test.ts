import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CameraRecording } from '../../server/recordings/recordings.schemas.js';
import { launchChromium, submitLogin } from '../support/browser.js';
import { startBuiltServer, type ServerProcess } from '../support/server-process.js';

const ADMIN = { username: 'owner', password: 'owner passphrase 2026' };
const SHOTS = 'test-results/e2e';

/**
 * The recording dialog on the cameras page in Chromium: an admin chooses what a camera records and how long it
 * is kept, saves, and the server holds exactly that (read back from the API and from the form after a reload).
 * A value out of bounds is explained next to its field and nothing is stored. Media is off: the settings are
 * rows and the recorder is not needed to keep them.
 */
describe('camera recording settings in the browser', () => {
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;
  let cameraId: number;
  let cookie: string;

  const call = (method: string, url: string, body?: unknown) =>
    fetch(`${server.url}${url}`, {
      method,
      headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const stored = async () =>
    ((await (await call('GET', `/api/cameras/${cameraId}/recording`)).json()) as CameraRecording).settings;
  const openDialog = async () => {
    await page.getByTestId('camera-recording-settings').click();
    await page.getByTestId('recording-form').waitFor();
  };
  const mode = (value: string) => page.locator(`[data-testid="recording-mode"][value="${value}"]`);

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startBuiltServer();
    const post = (url: string, body: unknown) =>
      fetch(`${server.url}${url}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post('/api/setup', ADMIN)).status).toBe(201);
    const login = await post('/api/auth/login', ADMIN);
    cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const created = await call('POST', '/api/cameras', { name: 'Porch', kind: 'test' });
    cameraId = ((await created.json()) as { id: number }).id;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${server.url}/login`);
    await submitLogin(page, ADMIN);
    await page.getByTestId('current-user').filter({ hasText: ADMIN.username }).waitFor();
  });
  afterAll(async () => {
    await browser.close();
    await server.stop();
  });

  it('opens with the defaults and the recorder’s state, and saves continuous, 7 days and 2 GiB', async () => {
    await page.goto(`${server.url}/cameras`);
    await openDialog();
    expect(await mode('events').isChecked()).toBe(true);
    expect(await page.getByTestId('recording-retain-days').inputValue()).toBe('30');
    expect(await page.getByTestId('recording-quota').inputValue()).toBe('');
    expect(await page.getByTestId('recording-pre-roll').inputValue()).toBe('10');
    expect(await page.getByTestId('recording-state').textContent()).toMatch(/\w+/);
    // Events need detection, which this camera does not have on: the form says so.
    await page.getByTestId('recording-needs-detection').waitFor();

    await mode('continuous').check();
    // The pre- and post-roll only matter around moments: continuous mode hides them.
    expect(await page.getByTestId('recording-pre-roll').count()).toBe(0);
    await page.getByTestId('recording-retain-days').fill('7');
    await page.getByTestId('recording-quota').fill('2');
    await page.getByTestId('recording-form').screenshot({ path: `${SHOTS}/recording-settings.png` });
    await page.getByTestId('recording-save').click();
    await expect.poll(() => page.getByTestId('recording-form').count()).toBe(0);
    await page.getByText('Porch records with the new settings.').waitFor();

    expect(await stored()).toEqual({
      mode: 'continuous',
      preRollSeconds: 10,
      postRollSeconds: 10,
      segmentSeconds: 4,
      retainDays: 7,
      quotaGiB: 2,
    });
  });

  it('shows the stored settings after a reload', async () => {
    await page.reload();
    await openDialog();
    expect(await mode('continuous').isChecked()).toBe(true);
    expect(await page.getByTestId('recording-retain-days').inputValue()).toBe('7');
    expect(await page.getByTestId('recording-quota').inputValue()).toBe('2');
    expect(await page.getByTestId('recording-segment').inputValue()).toBe('4');
  });

  it('explains a value out of bounds next to its field and stores nothing', async () => {
    const days = page.getByTestId('recording-retain-days');
    await days.fill('4000');
    await page.getByTestId('recording-quota').fill('0');
    await page.getByTestId('recording-save').click();
    const form = page.getByTestId('recording-form');
    await expect.poll(() => form.textContent()).toContain('Enter a whole number of days from 1 to 3,650.');
    expect(await form.textContent()).toContain('Enter a size in GiB from 0.001 to 1,000,000');
    expect(await days.getAttribute('aria-invalid')).toBe('true');
    // Focus lands on the first field in trouble.
    expect(
      await days.evaluate((input) =>
        (input as unknown as { matches(css: string): boolean }).matches(':focus'),
      ),
    ).toBe(true);
    // Fixed: the message goes as it is typed, the other one stays.
    await days.fill('14');
    await expect.poll(() => form.textContent()).not.toContain('Enter a whole number of days');
    expect(await form.textContent()).toContain('Enter a size in GiB');
    expect(await stored()).toMatchObject({ retainDays: 7, quotaGiB: 2 });

    // The server holds the same bounds: a PUT past them is refused with the field named, nothing stored.
    const refused = await call('PUT', `/api/cameras/${cameraId}/recording`, {
      ...(await stored()),
      retainDays: 4000,
    });
    expect(refused.status).toBe(400);
    const answer = (await refused.json()) as { code: string; message: string };
    expect(answer.code).toBe('VALIDATION_FAILED');
    expect(answer.message).toContain('retainDays');
    expect(await stored()).toMatchObject({ retainDays: 7, quotaGiB: 2 });
  });

  it('takes no quota back with an empty field', async () => {
    await page.getByTestId('recording-quota').fill('');
    await page.getByTestId('recording-save').click();
    await expect.poll(() => page.getByTestId('recording-form').count()).toBe(0);
    expect(await stored()).toMatchObject({ mode: 'continuous', retainDays: 14, quotaGiB: null });
  });

  it('shows what the server refused: the camera went while the dialog was open', async () => {
    await openDialog();
    expect((await call('DELETE', `/api/cameras/${cameraId}`)).status).toBe(204);
    await page.getByTestId('recording-save').click();
    await page.getByTestId('recording-form').getByTestId('error').waitFor();
    expect(await page.getByTestId('recording-form').getByTestId('error').textContent()).toContain(
      'no longer exists',
    );
  });
});
