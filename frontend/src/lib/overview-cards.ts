// The Overview's cards, each made from what the server reports right now (cameras and their states, the
// vault's state and space), never from fixed text: a card says what works, what needs attention and where to go.
import type { Camera, VaultStatus } from '../api/types';
import type { BadgeTone } from './camera-status';
import { formatBytes } from './format';

export interface OverviewCard {
  id: 'live' | 'files' | 'vault';
  title: string;
  badge: { label: string; tone: BadgeTone };
  summary: string;
  link: { to: string; label: string } | null;
}

export interface OverviewInput {
  /** null while the camera list is loading or could not be loaded. */
  cameras: readonly Pick<Camera, 'status' | 'enabled'>[] | null;
  vault: Pick<VaultStatus, 'state' | 'reason' | 'details'> | null;
  isAdmin: boolean;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function liveCard({ cameras, isAdmin }: OverviewInput): OverviewCard {
  const base = { id: 'live', title: 'Live' } as const;
  if (cameras === null)
    return {
      ...base,
      badge: { label: 'loading', tone: 'neutral' },
      summary: 'Loading the cameras…',
      link: null,
    };
  if (cameras.length === 0)
    return {
      ...base,
      badge: { label: 'no cameras', tone: 'neutral' },
      summary: isAdmin ? 'No cameras yet. Add one, or the built-in test camera.' : 'No cameras yet.',
      link: isAdmin ? { to: '/cameras', label: 'Add a camera' } : null,
    };
  const on = cameras.filter((c) => c.enabled);
  const live = on.filter((c) => c.status === 'live').length;
  const down = on.filter((c) => c.status === 'offline' || c.status === 'error').length;
  const off = cameras.length - on.length;
  const parts = [
    `${live} live`,
    ...(down > 0 ? [`${down} offline`] : []),
    ...(off > 0 ? [`${off} switched off`] : []),
  ];
  return {
    ...base,
    badge: down > 0 ? { label: 'attention', tone: 'warning' } : { label: 'watching', tone: 'success' },
    summary: `${plural(cameras.length, 'camera')}: ${parts.join(', ')}.`,
    link: { to: '/live', label: 'Open live view' },
  };
}

function filesCard({ vault }: OverviewInput): OverviewCard {
  const base = { id: 'files', title: 'Files' } as const;
  switch (vault?.state) {
    case 'unlocked':
      return {
        ...base,
        badge: { label: 'available', tone: 'success' },
        summary: 'Browse, upload and share files; they are stored in the encrypted vault.',
        link: { to: '/files', label: 'Open files' },
      };
    case 'locked':
      return {
        ...base,
        badge: { label: 'locked', tone: 'warning' },
        summary: 'Files are in the vault, which is locked. Unlock it to use them.',
        link: { to: '/vault', label: 'Go to the vault' },
      };
    case 'absent':
      return {
        ...base,
        badge: { label: 'needs a vault', tone: 'neutral' },
        summary: 'Files are kept in the encrypted vault, which has not been created yet.',
        link: { to: '/vault', label: 'Go to the vault' },
      };
    case 'unavailable':
      return {
        ...base,
        badge: { label: 'unavailable', tone: 'danger' },
        summary: 'Files need the vault, which is unavailable on this server.',
        link: { to: '/vault', label: 'See why' },
      };
    case undefined:
      return {
        ...base,
        badge: { label: 'loading', tone: 'neutral' },
        summary: 'Checking the vault…',
        link: null,
      };
  }
}

function vaultCard({ vault }: OverviewInput): OverviewCard {
  const base = { id: 'vault', title: 'Vault', link: { to: '/vault', label: 'Open the vault' } } as const;
  const details = vault?.details ?? null;
  const space =
    details?.freeBytes != null && details.sizeBytes != null
      ? ` ${formatBytes(details.freeBytes)} free of ${formatBytes(details.sizeBytes)}.`
      : '';
  switch (vault?.state) {
    case 'unlocked':
      return {
        ...base,
        badge: { label: 'unlocked', tone: 'success' },
        summary: `Encrypted storage, open.${space}`,
      };
    case 'locked':
      return {
        ...base,
        badge: { label: 'locked', tone: 'warning' },
        summary: 'Encrypted and locked: nothing can be read until it is unlocked.',
      };
    case 'absent':
      return {
        ...base,
        badge: { label: 'not created', tone: 'neutral' },
        summary: 'No encrypted vault yet.',
      };
    case 'unavailable':
      return {
        ...base,
        badge: { label: 'unavailable', tone: 'danger' },
        summary: vault.reason === null ? 'The vault is unavailable.' : `Unavailable: ${vault.reason}.`,
      };
    case undefined:
      return {
        ...base,
        badge: { label: 'loading', tone: 'neutral' },
        summary: 'Checking the vault…',
        link: null,
      };
  }
}

export function overviewCards(input: OverviewInput): OverviewCard[] {
  return [liveCard(input), filesCard(input), vaultCard(input)];
}
