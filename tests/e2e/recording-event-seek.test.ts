import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveHost } from '../support/live-host.js';
import {
  recordedRanges,
  stampShown,
  startRecordingBrowser,
  type RecordedRange,
  type RecordingBrowser,
} from '../support/recordings-browser.js';

interface EventBody {
  id: number | null;
  label: string;
  startedAt: number;
  endedAt: number | null;
}

/** Masks the whole picture: the motion detector sees nothing, and a settings change ends the open burst. */
const WHOLE_PICTURE = [
  { x: 0, y: 0 },
  { x: 1, y: 0 },
  { x: 1, y: 1 },
  { x: 0, y: 1 },
];

/**
 * An event's marker on the Recordings timeline, for real: the test camera (its wall clock stamped into every
 * frame, a white bar sweeping across it) recording continuously, motion detection on it through the real
 * camera and inference workers, so a motion event arrives by itself. Its burst never stops on its own (the bar
 * and the stamp always move), so the test ends it by masking the whole picture: a settings change ends open
 * tracks. Then, in Chromium, a press on that event's marker — a few pixels beside its line, where a plain
 * timeline click would land seconds away — plays from the event's start, and the picture shows that clock.
 */
describe('recordings: an event marker seeks to the event in Chromium', () => {
  let host: LiveHost;
  let page: Page;
  let session: RecordingBrowser;
  const api = (method: string, url: string, body?: unknown) => host.api(method, url, body);

  const shownStamp = () => stampShown(page);
  const player = () => page.getByTestId('recording-player');
  const wallClock = async () => Number(await player().getAttribute('data-wall-clock'));
  const ranges = () => recordedRanges(host, cameraId);
  const motionEvents = async () =>
    ((await api('GET', `/api/events?camera=${cameraId}&label=motion`)).body as { events: EventBody[] })
      .events;
  let cameraId = 0;

  beforeAll(async () => {
    session = await startRecordingBrowser('event-seek');
    ({ host, page } = session);
  }, 120_000);
  afterAll(() => session.close());

  it('plays from the event’s start when its marker is pressed: the picture carries that clock (±1 s)', async () => {
    const created = await api('POST', '/api/cameras', {
      name: 'Clock',
      kind: 'test',
      width: 640,
      height: 360,
      fps: 10,
    });
    expect(created.status).toBe(201);
    cameraId = (created.body as { id: number }).id;

    // Detection in motion mode from the start, blind for now: turning it on later would restart the camera
    // worker (its analysis frames), while masks reach the inference worker without cutting the recording.
    const detection = (await api('GET', `/api/cameras/${cameraId}/detection`)).body as {
      defaults: { motion: Record<string, unknown> } & Record<string, unknown>;
    };
    const motionSettings = (masks: (typeof WHOLE_PICTURE)[]) => ({
      detect: true,
      settings: {
        ...detection.defaults,
        mode: 'motion',
        faces: false,
        motion: { ...detection.defaults.motion, masks },
      },
    });
    expect(
      (await api('PUT', `/api/cameras/${cameraId}/detection`, motionSettings([WHOLE_PICTURE]))).status,
    ).toBe(200);
    const recording = (await api('GET', `/api/cameras/${cameraId}/recording`)).body as {
      settings: Record<string, unknown>;
    };
    const saved = await api('PUT', `/api/cameras/${cameraId}/recording`, {
      ...recording.settings,
      mode: 'continuous',
      segmentSeconds: 2,
    });
    expect(saved.status).toBe(200);
    // Recorded footage well before the event, to stand on before pressing its marker.
    await expect
      .poll(async () => (await ranges()).reduce((ms, r) => Math.max(ms, r.endedAt - r.startedAt), 0), {
        timeout: 45_000,
        interval: 1_000,
      })
      .toBeGreaterThanOrEqual(10_000);
    expect(await motionEvents()).toEqual([]);

    // Unmasked: the sweeping bar is motion, and the burst becomes an event.
    expect((await api('PUT', `/api/cameras/${cameraId}/detection`, motionSettings([]))).status).toBe(200);
    await expect
      .poll(async () => (await motionEvents()).filter((e) => e.id !== null).length, {
        timeout: 20_000,
        interval: 250,
      })
      .toBeGreaterThanOrEqual(1);
    const [started] = await motionEvents();
    if (started === undefined) throw new Error('no motion event');
    await expect.poll(() => Date.now() - started.startedAt, { timeout: 10_000 }).toBeGreaterThan(3_000);
    // Masked again: the burst ends there, and no other starts.
    expect(
      (await api('PUT', `/api/cameras/${cameraId}/detection`, motionSettings([WHOLE_PICTURE]))).status,
    ).toBe(200);
    await expect
      .poll(async () => (await motionEvents()).find((e) => e.id === started.id)?.endedAt ?? null, {
        timeout: 10_000,
        interval: 250,
      })
      .not.toBeNull();
    const events = await motionEvents();
    expect(events).toHaveLength(1);
    const [event] = events;
    if (event?.endedAt == null) throw new Error('the motion event did not end');
    const { startedAt, endedAt } = event;

    // The whole event is on the vault, in one range with footage 8 s or more before it.
    const holding = (r: RecordedRange) => r.startedAt <= startedAt - 8_000 && r.endedAt >= endedAt;
    await expect
      .poll(async () => (await ranges()).some(holding), { timeout: 20_000, interval: 500 })
      .toBe(true);
    const range = (await ranges()).find(holding);
    if (range === undefined) throw new Error('no recording of the event');

    // A 10-minute view (the narrowest), so a pixel is about half a second.
    const from = range.startedAt - 120_000;
    await page.goto(`${host.server.url}/recordings/${cameraId}?from=${from}&to=${from + 600_000}`);
    const marker = page.getByTestId('timeline-event');
    await expect.poll(() => marker.count(), { timeout: 15_000 }).toBe(1);
    expect(Number(await marker.getAttribute('data-marker-at'))).toBe(startedAt);

    // Stand well before the event first, paused, so a press that did not seek would leave that picture.
    const strip = page.getByTestId('recordings-timeline');
    await strip.scrollIntoViewIfNeeded();
    const stripBox = await strip.boundingBox();
    if (stripBox === null) throw new Error('the timeline is not on the page');
    const earlier = range.startedAt + 1_000;
    await page.mouse.click(
      stripBox.x + ((earlier - from) / 600_000) * stripBox.width,
      stripBox.y + stripBox.height / 2,
    );
    await expect.poll(() => player().getAttribute('data-playing'), { timeout: 15_000 }).toBe('true');
    await page.getByTestId('player-play').click();
    await expect.poll(() => player().getAttribute('data-playing')).toBe('false');
    await expect
      .poll(async () => (await shownStamp()) ?? Infinity, { timeout: 10_000 })
      .toBeLessThan(startedAt - 5_000);

    // A press 4 px right of the marker's line, still on its target: 2 s later as a plain timeline click.
    const markerBox = await marker.boundingBox();
    if (markerBox === null) throw new Error('the marker is not on the page');
    const x = markerBox.x + markerBox.width / 2 + 4;
    const y = markerBox.y + markerBox.height * 0.75;
    const hit = await page.evaluate<string | null>(
      `document.elementFromPoint(${x}, ${y})?.getAttribute('data-testid') ?? null`,
    );
    expect(hit).toBe('timeline-event');
    // Where the strip's own geometry puts that pixel: what a seek that ignored the marker would play.
    const pixelMoment = from + ((x - stripBox.x) / stripBox.width) * 600_000;
    expect(pixelMoment - startedAt).toBeGreaterThan(1_500);
    await page.mouse.click(x, y, { delay: 150 });
    await expect
      .poll(async () => Math.abs((await wallClock()) - startedAt), { timeout: 5_000 })
      .toBeLessThan(500);
    await expect
      .poll(async () => Math.abs(((await shownStamp()) ?? Infinity) - startedAt), { timeout: 10_000 })
      .toBeLessThanOrEqual(1_000);
    const shown = (await shownStamp()) ?? 0;
    console.info(`event seek: event ${startedAt}–${endedAt}, played ${await wallClock()}, picture ${shown}`);
    expect(Math.abs(shown - startedAt)).toBeLessThanOrEqual(1_000);
    expect(Math.abs((await wallClock()) - shown)).toBeLessThan(500);
    expect(await page.getByTestId('recordings-notice').count()).toBe(0);
    await page.screenshot({ path: 'test-results/e2e/41-recordings-event-seek.png' });
  });
});
