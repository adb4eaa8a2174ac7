import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CameraDetection } from '../../server/detection/detection-settings.schemas.js';
import { launchChromium, submitLogin } from '../support/browser.js';
import { startBuiltServer, type ServerProcess } from '../support/server-process.js';

const ADMIN = { username: 'owner', password: 'owner passphrase 2026' };
const SHOTS = 'test-results/e2e';

/**
 * The detection dialog on the cameras page in Chromium: zones and masks drawn with the mouse and the keyboard
 * over the camera's picture (here the "no picture yet" ground: media is off), labels unticked, saved, and
 * read back from the API in normalised coordinates.
 */
describe('camera detection settings in the browser: zone and mask editor', () => {
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;
  let cameraId: number;
  let cookie: string;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startBuiltServer();
    const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${server.url}${url}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    expect((await post('/api/setup', ADMIN)).status).toBe(201);
    const login = await post('/api/auth/login', ADMIN);
    cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const created = await post('/api/cameras', { name: 'Porch', kind: 'test' }, { cookie });
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

  const stored = async () => {
    const response = await fetch(`${server.url}/api/cameras/${cameraId}/detection`, { headers: { cookie } });
    return (await response.json()) as CameraDetection;
  };

  it('draws a named zone and a mask, moves and adds corners, and saves them', async () => {
    await page.goto(`${server.url}/cameras`);
    await page.getByTestId('camera-detection').click();
    await page.getByTestId('detection-form').waitFor();
    const stage = page.getByTestId('zone-stage');
    await stage.scrollIntoViewIfNeeded();
    const box = await stage.boundingBox();
    if (!box) throw new Error('the editor has no box');
    const at = (x: number, y: number) => ({ x: box.x + x * box.width, y: box.y + y * box.height });
    const click = async (x: number, y: number) => {
      const p = at(x, y);
      await page.mouse.click(p.x, p.y);
    };

    // A zone: four clicks, the last one a double-click that closes it.
    await page.getByTestId('zone-add').click();
    await click(0.1, 0.5);
    await click(0.5, 0.5);
    await click(0.5, 0.9);
    const last = at(0.1, 0.9);
    await page.mouse.dblclick(last.x, last.y);
    await expect.poll(() => page.getByTestId('zone-shape').count()).toBe(1);
    const name = page.getByTestId('zone-name');
    expect(await name.inputValue()).toBe('Zone 1');
    await name.fill('Driveway');

    // A mask: three clicks, closed with Enter on the drawing.
    await page.getByTestId('mask-add').click();
    await click(0.7, 0.1);
    await click(0.9, 0.1);
    await click(0.9, 0.3);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('mask-shape').count()).toBe(1);
    // The new mask is selected: drag its first corner, then click its top edge to add a corner there.
    const from = at(0.7, 0.1);
    const to = at(0.6, 0.05);
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2);
    await page.mouse.move(to.x, to.y);
    await page.mouse.up();
    // The top edge now runs from (0.6, 0.05) to (0.9, 0.1): its middle is (0.75, 0.075).
    await click(0.75, 0.075);
    // A corner is moved by keyboard too: the focused handle, one big step (5 %) down.
    const handles = page.locator('[data-testid="zone-stage"] circle[role="button"]');
    expect(await handles.count()).toBe(4);
    await handles.nth(3).focus();
    await page.keyboard.press('Shift+ArrowDown');

    // Dogs no longer make events.
    await page.locator('[data-testid="detection-label"][value="dog"]').uncheck();
    await page.getByTestId('zone-editor').screenshot({ path: `${SHOTS}/zone-editor.png` });
    await page.getByTestId('detection-save').click();
    await expect.poll(() => page.getByTestId('detection-form').count()).toBe(0);

    const saved = await stored();
    expect(saved.custom).toBe(true);
    expect(saved.settings.labels).not.toContain('dog');
    expect(saved.settings.labels).toContain('person');
    const [zone] = saved.settings.zones;
    expect(zone?.name).toBe('Driveway');
    const near = (points: { x: number; y: number }[] | undefined, expected: [number, number][]) => {
      expect(points).toHaveLength(expected.length);
      expected.forEach(([x, y], i) => {
        expect(points?.[i]?.x, `corner ${i} x`).toBeCloseTo(x, 1);
        expect(points?.[i]?.y, `corner ${i} y`).toBeCloseTo(y, 1);
      });
    };
    near(zone?.polygon, [
      [0.1, 0.5],
      [0.5, 0.5],
      [0.5, 0.9],
      [0.1, 0.9],
    ]);
    near(saved.settings.motion.masks[0], [
      [0.6, 0.05],
      [0.75, 0.075],
      [0.9, 0.1],
      [0.9, 0.35],
    ]);
  });

  it('shows what is wrong before saving: two zones of one name', async () => {
    await page.getByTestId('camera-detection').click();
    await page.getByTestId('detection-form').waitFor();
    await page.getByTestId('zone-add').click();
    await page.getByRole('button', { name: 'Use a rectangle' }).click();
    await page.getByTestId('zone-name').nth(1).fill('driveway');
    await page.getByTestId('detection-save').click();
    await expect
      .poll(() => page.getByTestId('detection-form').textContent())
      .toContain('Two zones are called “driveway”');
    expect((await stored()).settings.zones).toHaveLength(1);
  });
});
