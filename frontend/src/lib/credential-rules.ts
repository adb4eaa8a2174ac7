// Client-side copies of the server's credential rules, so forms can explain a problem before submitting.
// The server stays authoritative and re-checks everything.

/** Minimum password length, in UTF-16 code units (what `String.length` counts, as on the server). */
export const PASSWORD_MIN_LENGTH = 10;
/** Maximum password length, in UTF-16 code units; the cap keeps hashing cost bounded. */
export const PASSWORD_MAX_LENGTH = 1024;
/** Minimum and maximum user name length, in characters. */
export const USERNAME_MIN_LENGTH = 3;
export const USERNAME_MAX_LENGTH = 32;

const USERNAME_PATTERN = /^[A-Za-z0-9._-]+$/;

/** What is wrong with a user name, or null when it is acceptable. */
export function usernameProblem(username: string): string | null {
  if (username.length === 0) return 'Enter a user name.';
  if (username.length < USERNAME_MIN_LENGTH || username.length > USERNAME_MAX_LENGTH) {
    return `A user name has ${USERNAME_MIN_LENGTH} to ${USERNAME_MAX_LENGTH} characters.`;
  }
  if (!USERNAME_PATTERN.test(username)) {
    return 'Use only letters, digits, dots, underscores and hyphens.';
  }
  return null;
}

/** What is wrong with a new password for `username`, or null when it is acceptable. */
export function passwordProblem(password: string, username: string): string | null {
  // UTF-16 units, as the server's password policy counts them, so the client never refuses what it accepts.
  const length = password.length;
  if (length === 0) return 'Enter a password.';
  if (length < PASSWORD_MIN_LENGTH) return `Use at least ${PASSWORD_MIN_LENGTH} characters.`;
  if (length > PASSWORD_MAX_LENGTH) return `Use at most ${PASSWORD_MAX_LENGTH} characters.`;
  if (username.trim() !== '' && password.trim().toLowerCase() === username.trim().toLowerCase()) {
    return 'The password must not be the user name.';
  }
  return null;
}

/** What is wrong with the confirmation of a new password, or null when it matches. */
export function confirmationProblem(password: string, confirmation: string): string | null {
  if (confirmation.length === 0) return 'Enter the password again.';
  return password === confirmation ? null : 'The passwords do not match.';
}

/** Shown under new-password fields. */
export const PASSWORD_HINT = `At least ${PASSWORD_MIN_LENGTH} characters, and not the user name.`;
