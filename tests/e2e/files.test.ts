import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTsSegment } from '../support/clips.js';
import { zipEntryNames } from '../support/zip-entries.js';
import { launchChromium, submitLogin } from '../support/browser.js';
import { startBuiltServer, type ServerProcess } from '../support/server-process.js';

const ADMIN = { username: 'filer', password: 'filer passphrase 2026' };
const VIEWER = { username: 'vic', password: 'viewer passphrase 2026' };
const SHOTS = 'test-results/e2e';
/** Big enough for several 8 MiB tus chunks, so a connection can drop halfway through. */
const BIG_BYTES = 40 * 1024 * 1024 + 12345;
/** The front end's tus chunk (use-uploads-store CHUNK_BYTES). */
const CHUNK_BYTES = 8 * 1024 * 1024;

// The file manager on the development vault (a plain directory), through the built server and Debian's
// Chromium: uploads over tus by a real drop and through the file input (resuming after the connection drops),
// then folders, rename, move, delete to the trash, previews, the viewer's read-only view, and the locked vault.
describe('files in the browser: drop uploads → resume → folder → rename → move → delete → locked', () => {
  let vaultDir: string;
  let scratch: string;
  let server: ServerProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    vaultDir = mkdtempSync(path.join(tmpdir(), 'vigil-e2e-files-'));
    scratch = mkdtempSync(path.join(tmpdir(), 'vigil-e2e-upload-'));
    server = await startBuiltServer({ VIGIL_VAULT: `dir:${vaultDir}`, VIGIL_ALLOW_INSECURE_VAULT: '1' });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser.close();
    await server.stop();
    rmSync(vaultDir, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  const onDisk = (apiPath: string) => path.join(vaultDir, 'files', ...apiPath.split('/').filter(Boolean));
  const row = (name: string) => page.locator(`[data-testid="file-row"][data-name="${name}"]`);
  const uploadRow = (name: string) => page.locator(`[data-testid="upload-row"][data-name="${name}"]`);
  const listed = async () => {
    const rows = await page.locator('[data-testid="file-row"]').all();
    return Promise.all(rows.map((r) => r.getAttribute('data-name')));
  };

  it('opens the empty file manager from the navigation', async () => {
    await page.goto(`${server.url}/setup`);
    await page.getByTestId('setup-username').fill(ADMIN.username);
    await page.getByTestId('setup-password').fill(ADMIN.password);
    await page.getByTestId('setup-password-confirm').fill(ADMIN.password);
    await page.getByTestId('setup-submit').click();
    await expect.poll(() => page.getByTestId('current-user').textContent()).toContain(ADMIN.username);

    await page.getByTestId('nav-files').click();
    await page.waitForURL(/\/files$/);
    await page.getByTestId('files-empty').waitFor();
    expect(await page.title()).toBe('Files · Vigil');
  });

  it('uploads several files dropped onto the page, each with its own progress to the end', async () => {
    // A drop as the browser delivers it: a DataTransfer holding files, dispatched on the drop zone. (Tests are
    // typed without the DOM, so the page code is a string.)
    const dataTransfer = await page.evaluateHandle(`(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['hello from the drop\\n'], 'hello.txt', { type: 'text/plain' }));
      dt.items.add(new File(['# Notes\\n'], 'notes.md', { type: 'text/markdown' }));
      const picture = new Uint8Array(12 * 1024 * 1024);
      for (let i = 0; i < picture.length; i += 4096) picture[i] = i % 251;
      dt.items.add(new File([picture], 'photo.bin', { type: 'application/octet-stream' }));
      return dt;
    })()`);
    await page.dispatchEvent('[data-testid="files-drop-zone"]', 'drop', { dataTransfer });

    await page.getByTestId('upload-panel').waitFor();
    for (const name of ['hello.txt', 'notes.md', 'photo.bin']) {
      await expect.poll(() => uploadRow(name).getAttribute('data-status'), { timeout: 60_000 }).toBe('done');
      expect(await uploadRow(name).getByTestId('upload-row-progress').getAttribute('value')).toBe('100');
    }
    await expect.poll(() => page.getByTestId('upload-heading').textContent()).toBe('3 of 3 uploaded');
    expect(await page.getByTestId('upload-total-percent').textContent()).toBe('100%');
    await expect.poll(listed).toEqual(['hello.txt', 'notes.md', 'photo.bin']);
    expect(readFileSync(onDisk('/hello.txt'), 'utf8')).toBe('hello from the drop\n');
    expect(statSync(onDisk('/photo.bin')).size).toBe(12 * 1024 * 1024);
    await page.screenshot({ path: `${SHOTS}/files-01-dropped.png`, fullPage: true });
  });

  it('downloads the selection as one zip that holds the uploaded files', async () => {
    await row('hello.txt').getByTestId('file-select').click();
    await row('photo.bin')
      .getByTestId('file-select')
      .click({ modifiers: ['Shift'] });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('files-download-zip').click(),
    ]);
    const saved = await download.path();
    expect(zipEntryNames(readFileSync(saved)).sort()).toEqual(['hello.txt', 'notes.md', 'photo.bin']);
    // Leave the page as the next steps expect it: nothing selected (a checkbox toggles its own row).
    for (const name of ['hello.txt', 'notes.md', 'photo.bin']) {
      await row(name)
        .getByTestId('file-select')
        .click({ modifiers: ['ControlOrMeta'] });
    }
    await expect.poll(() => page.getByTestId('files-selection-count').count()).toBe(0);
  });

  it('resumes a picked upload by itself after the connection drops halfway', async () => {
    const big = Buffer.alloc(BIG_BYTES);
    for (let i = 0; i < big.length; i += 997) big[i] = i % 256;
    const bigPath = path.join(scratch, 'big.bin');
    writeFileSync(bigPath, big);

    // The connection drops after the first chunk: every tus request fails at the network level (as when Wi-Fi
    // goes) until it is back. The offset of each chunk sent shows whether the upload resumed or restarted.
    let down = false;
    const offsets: number[] = [];
    await page.route('**/api/uploads/**', async (route) => {
      const request = route.request();
      if (down) return route.abort('internetdisconnected');
      if (request.method() === 'PATCH') {
        offsets.push(Number(request.headers()['upload-offset']));
        // The second chunk never arrives: the connection is gone from here until the test brings it back.
        if (offsets.length === 2) {
          down = true;
          return route.abort('internetdisconnected');
        }
      }
      return route.continue();
    });
    await page.getByTestId('upload-clear').click();
    await page.getByTestId('files-upload-input').setInputFiles(bigPath);
    const status = () => uploadRow('big.bin').getAttribute('data-status');
    await expect.poll(status, { timeout: 30_000 }).toBe('reconnecting');
    await page.screenshot({ path: `${SHOTS}/files-02-reconnecting.png` });
    down = false;

    await expect.poll(status, { timeout: 90_000 }).toBe('done');
    await page.unroute('**/api/uploads/**');
    // The chunk after the drop went from the server's offset, not from the start.
    expect(offsets[0]).toBe(0);
    expect(offsets[2]).toBe(CHUNK_BYTES);
    expect(offsets.at(-1)).toBe(BIG_BYTES - (BIG_BYTES % CHUNK_BYTES || CHUNK_BYTES));
    await row('big.bin').waitFor();
    const digest = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
    expect(digest(readFileSync(onDisk('/big.bin')))).toBe(digest(big));
  });

  it('uploads a picked folder with its subfolders', async () => {
    const trip = path.join(scratch, 'Trip');
    mkdirSync(path.join(trip, 'Day 2'), { recursive: true });
    writeFileSync(path.join(trip, 'a.txt'), 'first day');
    writeFileSync(path.join(trip, 'Day 2', 'b.txt'), 'second day');

    await page.getByTestId('upload-clear').click();
    await page.getByTestId('files-upload-folder-input').setInputFiles(trip);
    for (const name of ['a.txt', 'b.txt']) {
      await expect.poll(() => uploadRow(name).getAttribute('data-status'), { timeout: 30_000 }).toBe('done');
    }
    await row('Trip').waitFor();
    expect(readFileSync(onDisk('/Trip/Day 2/b.txt'), 'utf8')).toBe('second day');
    expect(readFileSync(onDisk('/Trip/a.txt'), 'utf8')).toBe('first day');

    // Again with "Skip" for taken names: the folders are reused, and the files already there are left alone.
    writeFileSync(path.join(trip, 'a.txt'), 'changed meanwhile');
    await page.getByTestId('upload-clear').click();
    await page.getByTestId('files-conflict').selectOption('fail');
    await page.getByTestId('files-upload-folder-input').setInputFiles(trip);
    for (const name of ['a.txt', 'b.txt']) {
      await expect
        .poll(() => uploadRow(name).getAttribute('data-status'), { timeout: 30_000 })
        .toBe('skipped');
    }
    expect(readFileSync(onDisk('/Trip/a.txt'), 'utf8')).toBe('first day');
    await page.getByTestId('files-conflict').selectOption('rename');
  });

  it('makes a folder, renames a file and moves it into the folder', async () => {
    await page.getByTestId('files-new-folder').click();
    await page.getByTestId('files-name-input').fill('Reports');
    await page.getByTestId('files-name-submit').click();
    await row('Reports').waitFor();
    expect(statSync(onDisk('/Reports')).isDirectory()).toBe(true);

    await row('hello.txt').getByTestId('file-select').click();
    await page.getByTestId('files-rename').click();
    expect(await page.getByTestId('files-name-input').inputValue()).toBe('hello.txt');
    await page.getByTestId('files-name-input').fill('greeting.txt');
    await page.getByTestId('files-name-submit').click();
    await row('greeting.txt').waitFor();
    await row('hello.txt').waitFor({ state: 'detached' });

    // The renamed file is still selected: move it.
    await expect.poll(() => page.getByTestId('files-selection-count').textContent()).toBe('1 item selected');
    await page.getByTestId('files-move').click();
    await page.locator('[data-testid="files-picker-folder"][data-name="Reports"]').click();
    await expect
      .poll(() => page.getByTestId('files-transfer-submit').textContent())
      .toContain('Move to Reports');
    await page.getByTestId('files-transfer-submit').click();
    await row('greeting.txt').waitFor({ state: 'detached' });
    expect(existsSync(onDisk('/Reports/greeting.txt'))).toBe(true);

    await row('Reports').getByTestId('file-open').click();
    await page.waitForURL(/\/files\?path=(%2F|\/)Reports$/);
    await row('greeting.txt').waitFor();
    await row('greeting.txt').getByTestId('file-open').click();
    await expect
      .poll(() => page.getByTestId('files-preview-text').textContent())
      .toBe('hello from the drop\n');
    await page.screenshot({ path: `${SHOTS}/files-03-preview.png` });
    await page.keyboard.press('Escape');
    await page.getByTestId('files-breadcrumbs').getByRole('link', { name: 'Files' }).click();
    await page.waitForURL(/\/files$/);
    await row('Reports').waitFor();
  });

  it('deletes two selected items to the trash after a confirmation that lists them', async () => {
    await row('notes.md').getByTestId('file-select').click();
    await row('photo.bin')
      .getByTestId('file-select')
      .click({ modifiers: ['Shift'] });
    await expect.poll(() => page.getByTestId('files-selection-count').textContent()).toBe('2 items selected');
    await page.getByTestId('files-delete').click();
    const items = page.getByTestId('delete-item');
    await expect.poll(() => items.allTextContents()).toEqual(['notes.md', 'photo.bin']);
    await page.screenshot({ path: `${SHOTS}/files-04-confirm-delete.png` });
    await page.getByTestId('confirm-delete').click();
    await row('notes.md').waitFor({ state: 'detached' });
    await row('photo.bin').waitFor({ state: 'detached' });
    expect(existsSync(onDisk('/notes.md'))).toBe(false);

    await page.getByTestId('trash-tab').click();
    const trashRows = page.locator('[data-testid="trash-row"]');
    await expect.poll(() => trashRows.count()).toBe(2);
    await page
      .locator('[data-testid="trash-row"][data-name="notes.md"]')
      .getByTestId('trash-restore')
      .click();
    await expect.poll(() => trashRows.count()).toBe(1);
    await page.getByTestId('files-tab').click();
    await row('notes.md').waitFor();
    expect(await listed()).toEqual(['Reports', 'Trip', 'big.bin', 'notes.md']);
  });

  it('selects with the keyboard, and remembers the grid view across a reload', async () => {
    await row('Reports').getByTestId('file-open').focus();
    await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Shift+ArrowDown');
    await expect.poll(() => page.getByTestId('files-selection-count').textContent()).toBe('3 items selected');
    await page.keyboard.press('Escape');
    await page.getByTestId('files-selection-bar').waitFor({ state: 'detached' });
    await page.keyboard.press('Control+a');
    await expect.poll(() => page.getByTestId('files-selection-count').textContent()).toBe('4 items selected');
    await page.getByTestId('files-clear-selection').click();

    await page.getByTestId('files-view-grid').click();
    await page.getByTestId('files-grid').waitFor();
    await page.reload();
    await page.getByTestId('files-grid').waitFor();
    expect(await page.getByTestId('files-view-grid').getAttribute('aria-pressed')).toBe('true');
    await page.screenshot({ path: `${SHOTS}/files-05-grid.png`, fullPage: true });
    await page.getByTestId('files-view-list').click();
    await page.getByTestId('files-list').waitFor();

    // The admin's toolbar is the widest; it still fits a phone without sideways scrolling.
    await page.setViewportSize({ width: 375, height: 740 });
    const overflow: unknown = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBe(0);
    await page.screenshot({ path: `${SHOTS}/files-06-admin-phone.png`, fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  let cameraId = 0;
  const segmentName = '1777636800000-s1-000001.ts';

  it('browses the recordings read-only: a segment under its camera, downloadable, and no way to delete it', async () => {
    const camera: unknown = await page.evaluate(`fetch('/api/cameras', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Porch', kind: 'test' }),
    }).then((response) => response.json())`);
    cameraId = (camera as { id: number }).id;
    // Where the recorder keeps a segment: recordings/<camera>/<day>/.
    const segmentFile = path.join(vaultDir, 'recordings', String(cameraId), '2026-05-01', segmentName);
    mkdirSync(path.dirname(segmentFile), { recursive: true });
    await makeTsSegment(segmentFile, 2);

    await page.getByTestId('recordings-tab').click();
    await page.waitForURL(/\/files\?root=recordings$/);
    await page.getByTestId('files-read-only-note').waitFor();
    await expect.poll(() => row(String(cameraId)).getByTestId('file-open').textContent()).toContain('Porch');
    for (const control of ['files-upload', 'files-new-folder', 'files-conflict']) {
      expect(await page.getByTestId(control).count()).toBe(0);
    }
    await row(String(cameraId)).getByTestId('file-open').click();
    await row('2026-05-01').getByTestId('file-open').click();
    await row(segmentName).waitFor();
    await expect
      .poll(() => page.getByTestId('files-crumb').allTextContents())
      .toEqual(['Recordings', 'Porch', '2026-05-01']);

    await row(segmentName).getByTestId('file-select').click();
    await page.getByTestId('files-download').waitFor();
    for (const control of ['files-delete', 'files-rename', 'files-move', 'files-copy']) {
      expect(await page.getByTestId(control).count()).toBe(0);
    }
    // The keyboard's Delete and F2 do nothing here either.
    await row(segmentName).getByTestId('file-open').focus();
    await page.keyboard.press('Delete');
    await page.keyboard.press('F2');
    expect(await page.locator('dialog[open]').count()).toBe(0);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('files-download').click(),
    ]);
    expect(readFileSync(await download.path()).equals(readFileSync(segmentFile))).toBe(true);
    expect(existsSync(segmentFile)).toBe(true);
    await page.screenshot({ path: `${SHOTS}/files-07-recordings.png`, fullPage: true });

    await page.getByTestId('files-tab').click();
    await page.waitForURL(/\/files$/);
    await row('Reports').waitFor();
    expect(await page.getByTestId('files-read-only-note').count()).toBe(0);
  });

  it('shows a viewer the files without any way to change them', async () => {
    const created = await page.evaluate(`fetch('/api/users', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(${JSON.stringify({ ...VIEWER, role: 'viewer' })}),
    }).then((response) => response.status)`);
    expect(created).toBe(201);
    const viewerContext = await browser.newContext({ viewport: { width: 375, height: 740 } });
    const phone = await viewerContext.newPage();
    await phone.goto(`${server.url}/login`);
    await submitLogin(phone, VIEWER);
    await phone.waitForURL((url) => !url.pathname.startsWith('/login'));
    await phone.goto(`${server.url}/files`);
    await phone.locator('[data-testid="file-row"][data-name="notes.md"]').waitFor();
    for (const control of ['files-upload', 'files-new-folder', 'trash-tab', 'upload-panel']) {
      expect(await phone.getByTestId(control).count()).toBe(0);
    }
    await phone.locator('[data-testid="file-row"][data-name="notes.md"]').getByTestId('file-select').click();
    await phone.getByTestId('files-download').waitFor();
    expect(await phone.getByTestId('files-delete').count()).toBe(0);
    expect(await phone.getByTestId('files-rename').count()).toBe(0);
    // Runs in the page (a string, since tests are typed without the DOM): no horizontal scrolling on a phone.
    const overflow: unknown = await phone.evaluate(
      'document.documentElement.scrollWidth - window.innerWidth',
    );
    expect(overflow).toBe(0);
    await phone.screenshot({ path: `${SHOTS}/files-07-viewer-phone.png`, fullPage: true });
    // The recordings too, read-only like for everyone.
    await phone.getByTestId('recordings-tab').click();
    await phone.getByTestId('files-read-only-note').waitFor();
    await phone.locator(`[data-testid="file-row"][data-name="${cameraId}"]`).waitFor();
    expect(await phone.getByTestId('files-upload').count()).toBe(0);
    await viewerContext.close();
  });

  it('says plainly that the vault is locked once an admin locks it', async () => {
    const cookies = await context.cookies(server.url);
    const cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const locked = await fetch(`${server.url}/api/vault/lock`, {
      method: 'POST',
      headers: { cookie, origin: server.url, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(locked.status).toBe(200);

    const notice = page.getByTestId('files-vault-notice');
    await notice.waitFor();
    expect(await notice.getAttribute('data-state')).toBe('locked');
    expect(await notice.textContent()).toContain('Vault locked — unlock to see your files');
    expect(await page.getByTestId('file-row').count()).toBe(0);
    expect(await page.getByTestId('files-vault-link').getAttribute('href')).toBe('/vault');
    await page.screenshot({ path: `${SHOTS}/files-08-locked.png` });
  });
});
