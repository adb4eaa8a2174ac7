import { describe, expect, it } from 'vitest';
import { scrubSecrets } from './scrub.js';

describe('scrubSecrets', () => {
  it('removes userinfo from URLs even without known secrets', () => {
    expect(scrubSecrets('Connecting to rtsp://admin:hunter2@10.0.0.5:554/live failed', [])).toBe(
      'Connecting to rtsp://***@10.0.0.5:554/live failed',
    );
    expect(scrubSecrets('see rtsps://user@cam/x and http://a:b@h/', [])).toBe(
      'see rtsps://***@cam/x and http://***@h/',
    );
  });

  it('removes every given secret, plain and percent-encoded', () => {
    const text = 'user camadmin with password p@ss w/ord, or p%40ss%20w%2Ford in a URL';
    expect(scrubSecrets(text, ['camadmin', 'p@ss w/ord'])).toBe(
      'user *** with password ***, or *** in a URL',
    );
  });

  it('removes the longer secret first when one contains the other', () => {
    expect(scrubSecrets('admin / admin123', ['admin', 'admin123'])).toBe('*** / ***');
  });

  it('ignores empty secrets and leaves clean text alone', () => {
    expect(scrubSecrets('Could not open resource', ['', ''])).toBe('Could not open resource');
  });

  it('handles secrets with regular-expression characters literally', () => {
    expect(scrubSecrets('pw is a.b*c(d)', ['a.b*c(d)'])).toBe('pw is ***');
    expect(scrubSecrets('pw is axbbc(d)', ['a.b*c(d)'])).toBe('pw is axbbc(d)');
  });
});
