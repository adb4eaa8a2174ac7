import { describe, expect, it } from 'vitest';
import { fullscreenMethod } from './fullscreen';

const request = () => Promise.resolve();
const noop = () => undefined;

describe('fullscreenMethod', () => {
  it('prefers the standard API when the document allows it', () => {
    expect(fullscreenMethod({ fullscreenEnabled: true }, { requestFullscreen: request }, null)).toBe(
      'standard',
    );
  });

  it('uses the prefixed API of older Safari', () => {
    expect(fullscreenMethod({ webkitFullscreenEnabled: true }, { webkitRequestFullscreen: noop }, null)).toBe(
      'webkit',
    );
  });

  it("uses the video's own full screen on iPhone", () => {
    expect(fullscreenMethod({}, {}, { webkitEnterFullscreen: noop, webkitSupportsFullscreen: true })).toBe(
      'video',
    );
    expect(fullscreenMethod({}, {}, { webkitEnterFullscreen: noop, webkitSupportsFullscreen: false })).toBe(
      'window',
    );
  });

  it('fills the window when full screen is missing or not allowed (e.g. in an iframe)', () => {
    expect(fullscreenMethod({ fullscreenEnabled: false }, { requestFullscreen: request }, {})).toBe('window');
    expect(fullscreenMethod({}, {}, null)).toBe('window');
  });
});
