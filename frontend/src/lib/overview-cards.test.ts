import { describe, expect, it } from 'vitest';
import { overviewCards, type OverviewInput } from './overview-cards';

const unlocked = {
  state: 'unlocked',
  reason: null,
  details: { sizeBytes: 2e12, freeBytes: 5e11 },
} as unknown as OverviewInput['vault'];

describe('overviewCards', () => {
  it('counts cameras by state and links to live view', () => {
    const [live] = overviewCards({
      cameras: [
        { status: 'live', enabled: true },
        { status: 'offline', enabled: true },
        { status: 'disabled', enabled: false },
      ],
      vault: unlocked,
      isAdmin: false,
    });
    expect(live).toMatchObject({
      summary: '3 cameras: 1 live, 1 offline, 1 switched off.',
      badge: { tone: 'warning' },
      link: { to: '/live' },
    });
  });

  it('offers admins to add the first camera', () => {
    const [live] = overviewCards({ cameras: [], vault: unlocked, isAdmin: true });
    expect(live?.link).toEqual({ to: '/cameras', label: 'Add a camera' });
    expect(overviewCards({ cameras: [], vault: unlocked, isAdmin: false })[0]?.link).toBeNull();
  });

  it('says files are available exactly when the vault is unlocked, and shows its free space', () => {
    const [, files, vault] = overviewCards({ cameras: [], vault: unlocked, isAdmin: true });
    expect(files).toMatchObject({ badge: { label: 'available' }, link: { to: '/files' } });
    expect(vault?.summary).toMatch(/500 GB free of 2(\.0)? TB/);
    const locked = overviewCards({
      cameras: [],
      vault: { state: 'locked', reason: null, details: null },
      isAdmin: false,
    });
    expect(locked[1]).toMatchObject({ badge: { label: 'locked' }, link: { to: '/vault' } });
    const unavailable = overviewCards({
      cameras: null,
      vault: { state: 'unavailable', reason: 'no device-mapper', details: null },
      isAdmin: false,
    });
    expect(unavailable[2]?.summary).toBe('Unavailable: no device-mapper.');
    expect(unavailable[0]?.summary).toBe('Loading the cameras…');
  });

  it('never says "coming soon"', () => {
    const text = JSON.stringify(overviewCards({ cameras: [], vault: unlocked, isAdmin: true }));
    expect(text).not.toMatch(/coming soon/i);
  });
});
