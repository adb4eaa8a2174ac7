// Human-readable numbers and dates for the UI, in the browser's locale.

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

/** A wait such as a Retry-After: "45 seconds", "2 minutes", "1 hour 5 minutes". Rounds up, never down. */
export function formatWait(seconds: number): string {
  const total = Math.max(1, Math.ceil(seconds));
  if (total < 60) return plural(total, 'second');
  const minutes = Math.ceil(total / 60);
  if (minutes < 60) return plural(minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? plural(hours, 'hour') : `${plural(hours, 'hour')} ${plural(rest, 'minute')}`;
}

/** An uptime: "3 days 4 hours", "2 hours 10 minutes", "5 minutes", "less than a minute". Rounds down. */
export function formatUptime(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  if (minutes < 1) return 'less than a minute';
  const hours = Math.floor(minutes / 60);
  if (hours < 1) return plural(minutes, 'minute');
  const days = Math.floor(hours / 24);
  if (days < 1)
    return minutes % 60 === 0
      ? plural(hours, 'hour')
      : `${plural(hours, 'hour')} ${plural(minutes % 60, 'minute')}`;
  return hours % 24 === 0 ? plural(days, 'day') : `${plural(days, 'day')} ${plural(hours % 24, 'hour')}`;
}

// Made on first use, not when the module loads: the first formatter of a page loads the locale's data, which
// took ~125 ms of a small box's main thread at page start, ahead of a camera page's first picture.
let dateTimeFormat: Intl.DateTimeFormat | undefined;

/** An ISO timestamp in the browser's locale and time zone; the input itself if it is not a date. */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : (dateTimeFormat ??= new Intl.DateTimeFormat(undefined, {
        dateStyle: 'medium',
        timeStyle: 'short',
      })).format(date);
}

/** A frame size: "1280×720". */
export function formatResolution(width: number, height: number): string {
  return `${width}×${height}`;
}

/** A bit rate given in kbit/s: "850 kbit/s", "2.4 Mbit/s". */
export function formatBitrate(kbps: number): string {
  if (!Number.isFinite(kbps) || kbps <= 0) return '0 kbit/s';
  if (kbps < 1000) return `${Math.round(kbps)} kbit/s`;
  return `${(kbps / 1000).toFixed(kbps < 10_000 ? 1 : 0)} Mbit/s`;
}

/** A frame rate: "30 fps", "12.5 fps" (one decimal at most). */
export function formatFps(fps: number): string {
  return `${Math.round(fps * 10) / 10} fps`;
}

const BYTE_UNITS = ['kB', 'MB', 'GB', 'TB', 'PB'] as const;

/** A size in decimal units, as disks are sold and labelled: "512 bytes", "1.5 GB", "120 GB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '0 bytes';
  if (bytes < 1000) return plural(Math.max(0, Math.round(bytes)), 'byte');
  let index = Math.min(BYTE_UNITS.length - 1, Math.floor(Math.log10(bytes) / 3) - 1);
  const rounded = (at: number) => {
    const value = bytes / 1000 ** (at + 1);
    return value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
  };
  // 999,960 bytes rounds to "1000 kB": say "1.0 MB" instead.
  if (rounded(index) >= 1000 && index < BYTE_UNITS.length - 1) index += 1;
  const value = rounded(index);
  return `${value < 10 ? value.toFixed(1) : String(value)} ${BYTE_UNITS[index] ?? 'PB'}`;
}

/** A time of day with seconds ("14:03:27"), for "no picture since …". */
export function formatClockTime(at: Date): string {
  return at.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}
