import { describe, expect, it } from 'vitest';
import { PICTURE_STALL_MS, PictureClock } from './picture-clock';

describe('PictureClock', () => {
  it('has no picture before the first frame, then flows while frames keep coming', () => {
    const clock = new PictureClock();
    expect(clock.state(0)).toBe('none');
    for (let t = 0; t <= 1_000; t += 33) clock.frame(t);
    expect(clock.state(1_100)).toBe('flowing');
    expect(clock.lastFrameAt).toBe(990);
  });

  it('reads as stalled once no frame came for PICTURE_STALL_MS at 30 fps', () => {
    const clock = new PictureClock();
    for (let t = 0; t <= 990; t += 33) clock.frame(t);
    expect(clock.state(990 + PICTURE_STALL_MS)).toBe('flowing');
    expect(clock.state(990 + PICTURE_STALL_MS + 1)).toBe('stalled');
    clock.frame(5_000);
    expect(clock.state(5_010)).toBe('flowing');
  });

  it('allows a slow camera three of its own frame intervals', () => {
    const clock = new PictureClock();
    for (let t = 0; t <= 10_000; t += 1_000) clock.frame(t);
    expect(clock.stallAfterMs).toBe(3_000);
    expect(clock.state(12_500)).toBe('flowing');
    expect(clock.state(13_001)).toBe('stalled');
  });

  it('starts again from nothing after a reset', () => {
    const clock = new PictureClock();
    clock.frame(0);
    clock.reset();
    expect(clock.state(10_000)).toBe('none');
    expect(clock.lastFrameAt).toBeNull();
  });
});
