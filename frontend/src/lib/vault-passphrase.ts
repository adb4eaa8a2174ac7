// Client-side copies of the server's rules for new vault passphrases, and a rough strength hint, so forms can
// explain a problem before a slow cryptsetup call does. The server stays authoritative and re-checks.

/**
 * Fewest characters in a new vault passphrase. A copy of VAULT_PASSPHRASE_MIN_LENGTH in
 * server/vault/vault.schemas.ts: the front end imports only types from the server, so keep the two equal.
 */
export const VAULT_PASSPHRASE_MIN_LENGTH = 12;
/** Most characters in a passphrase (the server schema's maxLength, which cryptsetup's key file limit bounds). */
export const VAULT_PASSPHRASE_MAX_LENGTH = 512;

// The server refuses C0 control characters and DEL: a line break in a key file would silently end the key.
// eslint-disable-next-line no-control-regex -- control characters are exactly what this looks for
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** Length as the server's JSON schema counts it: Unicode code points, not UTF-16 units. */
function codePoints(text: string): number {
  // Code points on purpose (emoji sequences count as several), as ajv counts them.
  return Array.from(text).length;
}

/** What is wrong with a new vault passphrase, or null when the server will accept it. */
export function newPassphraseProblem(passphrase: string): string | null {
  const length = codePoints(passphrase);
  if (length === 0) return 'Enter a passphrase.';
  if (length < VAULT_PASSPHRASE_MIN_LENGTH) return `Use at least ${VAULT_PASSPHRASE_MIN_LENGTH} characters.`;
  if (length > VAULT_PASSPHRASE_MAX_LENGTH) return `Use at most ${VAULT_PASSPHRASE_MAX_LENGTH} characters.`;
  if (CONTROL_CHARACTERS.test(passphrase)) return 'Remove tabs, line breaks and other control characters.';
  return null;
}

/** What is wrong with the confirmation of a new passphrase, or null when it matches. */
export function passphraseConfirmationProblem(passphrase: string, confirmation: string): string | null {
  if (confirmation.length === 0) return 'Enter the passphrase again.';
  return passphrase === confirmation ? null : 'The passphrases do not match.';
}

/** Shown under new-passphrase fields. */
export const PASSPHRASE_HINT = `At least ${VAULT_PASSPHRASE_MIN_LENGTH} characters. Four or more random words are strong and easy to remember.`;

export type PassphraseStrengthLevel = 'too-short' | 'weak' | 'fair' | 'strong';

export interface PassphraseStrength {
  level: PassphraseStrengthLevel;
  /** 0 (too short) to 3 (strong), for a meter. */
  score: 0 | 1 | 2 | 3;
  /** One word for the meter's label. */
  label: string;
  /** What would make it better, or null when nothing needs saying. */
  advice: string | null;
}

/** Fragments that make any passphrase guessable early, whatever surrounds them. */
const COMMON_FRAGMENTS = ['password', 'passwort', 'qwerty', 'azerty', '123456', 'letmein', 'vigil', 'admin'];

/** Size of the alphabet the passphrase draws from, judged by which kinds of character it uses. */
function alphabetSize(passphrase: string): number {
  let size = 0;
  if (/[a-z]/.test(passphrase)) size += 26;
  if (/[A-Z]/.test(passphrase)) size += 26;
  if (/[0-9]/.test(passphrase)) size += 10;
  if (/[ ]/.test(passphrase)) size += 1;
  if (/[!-/:-@[-`{-~]/.test(passphrase)) size += 32;
  if (/[^\x20-\x7e]/.test(passphrase)) size += 100;
  return Math.max(size, 2);
}

/** Characters that add something: not a repeat of the previous one, nor the next step of a run (abc, 321). */
function effectiveLength(passphrase: string): number {
  const codes = Array.from(passphrase, (char) => char.codePointAt(0) ?? 0);
  return codes.filter((code, i) => {
    const previous = codes[i - 1];
    if (previous === undefined) return true;
    if (code === previous) return false;
    const beforeThat = codes[i - 2];
    const step = code - previous;
    return !(Math.abs(step) === 1 && beforeThat !== undefined && previous - beforeThat === step);
  }).length;
}

/**
 * A rough guess at how hard the passphrase is to guess: bits from its alphabet and effective length, halved
 * because people choose passphrases far less randomly than the alphabet allows. Only a hint; it never blocks.
 */
export function passphraseStrength(passphrase: string): PassphraseStrength {
  if (codePoints(passphrase) < VAULT_PASSPHRASE_MIN_LENGTH) {
    return {
      level: 'too-short',
      score: 0,
      label: 'too short',
      advice: `Use at least ${VAULT_PASSPHRASE_MIN_LENGTH} characters.`,
    };
  }
  const lower = passphrase.toLowerCase();
  const common = COMMON_FRAGMENTS.find((fragment) => lower.includes(fragment));
  const bits = (effectiveLength(passphrase) * Math.log2(alphabetSize(passphrase))) / 2;
  if (common !== undefined || bits < 40) {
    return {
      level: 'weak',
      score: 1,
      label: 'weak',
      advice:
        common === undefined
          ? 'Make it longer: add a few random words.'
          : `Avoid well-known words and sequences like “${common}”.`,
    };
  }
  if (bits < 60) {
    return {
      level: 'fair',
      score: 2,
      label: 'fair',
      advice: 'Another random word or two would make it strong.',
    };
  }
  return { level: 'strong', score: 3, label: 'strong', advice: null };
}
