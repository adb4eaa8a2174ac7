import { validationFailed, weakPassword } from '../errors.js';

export const PASSWORD_MIN_LENGTH = 10;
/** Bounds hashing work an attacker can ask for in one request. */
export const PASSWORD_MAX_LENGTH = 1024;
export const USERNAME_PATTERN = '^[A-Za-z0-9._-]{3,32}$';

/** Throws WEAK_PASSWORD unless the password is long enough and is not the user name. */
export function assertPasswordAcceptable(password: string, username: string): void {
  if (password.length < PASSWORD_MIN_LENGTH) {
    throw weakPassword(`Use at least ${PASSWORD_MIN_LENGTH} characters.`);
  }
  if (password.length > PASSWORD_MAX_LENGTH) {
    throw weakPassword(`Use at most ${PASSWORD_MAX_LENGTH} characters.`);
  }
  if (password.trim().toLowerCase() === username.trim().toLowerCase()) {
    throw weakPassword('The password must not be the user name.');
  }
}

export function assertUsernameAcceptable(username: string): void {
  if (!new RegExp(USERNAME_PATTERN).test(username)) {
    throw validationFailed('User names are 3 to 32 letters, digits, ".", "_" or "-".');
  }
}
