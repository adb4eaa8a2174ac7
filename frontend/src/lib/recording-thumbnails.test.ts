import { describe, expect, it } from 'vitest';
import { pickThumbnails, slotCount } from './recording-thumbnails';

const view = { from: 0, to: 1_000 };

describe('pickThumbnails', () => {
  it('shows, in each slot, the still nearest its middle', () => {
    const stills = [{ at: 10 }, { at: 120 }, { at: 260 }, { at: 740 }, { at: 999 }];
    // Four slots of 250 ms: middles at 125, 375, 625, 875.
    expect(pickThumbnails(stills, view, 4)).toEqual([
      { slot: 0, still: { at: 120 } },
      { slot: 1, still: { at: 260 } },
      { slot: 2, still: { at: 740 } },
      { slot: 3, still: { at: 999 } },
    ]);
  });

  it('leaves a slot without stills empty, and drops stills outside the view', () => {
    expect(pickThumbnails([{ at: -5 }, { at: 100 }, { at: 1_000 }], view, 2)).toEqual([
      { slot: 0, still: { at: 100 } },
    ]);
    expect(pickThumbnails([], view, 5)).toEqual([]);
  });

  it('keeps what the stills carry', () => {
    expect(pickThumbnails([{ id: 7, at: 500 }], view, 1)).toEqual([{ slot: 0, still: { id: 7, at: 500 } }]);
  });
});

describe('slotCount', () => {
  it('fits as many slots as the width holds, at least one', () => {
    expect(slotCount(1_000)).toBe(10);
    expect(slotCount(95)).toBe(1);
    expect(slotCount(0)).toBe(1);
    expect(slotCount(300, 100)).toBe(3);
  });
});
