import { describe, expect, it } from 'vitest';
import { parseThumbnailRequest } from './thumbnail-protocol.js';

describe('parseThumbnailRequest', () => {
  it('takes an absolute path and a width', () => {
    expect(parseThumbnailRequest({ type: 'thumbnail', input: '/v/a b.ts', width: 320 })).toEqual({
      type: 'thumbnail',
      input: '/v/a b.ts',
      width: 320,
    });
  });

  it.each([
    null,
    'thumbnail',
    { type: 'start', input: '/v/a.ts', width: 320 },
    { type: 'thumbnail', input: 'v/a.ts', width: 320 },
    { type: 'thumbnail', input: '/v/a\n.ts', width: 320 },
    { type: 'thumbnail', input: 7, width: 320 },
    { type: 'thumbnail', input: '/v/a.ts', width: 8 },
    { type: 'thumbnail', input: '/v/a.ts', width: 320.5 },
    { type: 'thumbnail', input: '/v/a.ts', width: 4000 },
    { type: 'thumbnail', input: '/v/a.ts' },
  ])('refuses %j', (raw) => {
    expect(() => parseThumbnailRequest(raw)).toThrow(expect.objectContaining({ code: 'BAD_CONFIG' }));
  });
});
