// Vigil is often opened over plain HTTP on a LAN address, which is not a secure context: there
// `crypto.randomUUID`, `crypto.subtle` and `navigator.clipboard` are missing. Only `getRandomValues` is
// guaranteed everywhere, so everything here falls back to it (or to the DOM) instead of failing.

/** The part of Web Crypto this module uses; `randomUUID` is absent outside secure contexts. */
export interface RandomSource {
  getRandomValues<T extends Uint8Array<ArrayBuffer> | Uint32Array<ArrayBuffer>>(array: T): T;
  randomUUID?: () => string;
}

/** A random RFC 4122 version 4 UUID string, in any context. */
export function randomId(source: RandomSource = globalThis.crypto): string {
  if (typeof source.randomUUID === 'function') return source.randomUUID();
  const bytes = source.getRandomValues(new Uint8Array(16));
  // Set the version (4) and variant (10xx) bits as RFC 4122 §4.4 requires.
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function copyWithTextarea(text: string): boolean {
  const textarea = document.createElement('textarea');
  textarea.value = text;
  textarea.setAttribute('readonly', '');
  textarea.className = 'clipboard-fallback';
  const previousFocus = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  document.body.append(textarea);
  textarea.select();
  try {
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- the only copy path outside a secure context
    return document.execCommand('copy');
  } finally {
    textarea.remove();
    previousFocus?.focus();
  }
}

/** Copies `text` to the clipboard. Resolves to false when the browser refused both ways. */
export async function copyText(text: string): Promise<boolean> {
  if (window.isSecureContext && 'clipboard' in navigator) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch (err) {
      // Permission denied or document not focused: the textarea path below may still work.
      console.warn('Clipboard API refused, falling back to execCommand', err);
    }
  }
  return copyWithTextarea(text);
}
