/**
 * Removes credentials from text before it leaves the worker: `user:pass@` userinfo in any URL, and every
 * given secret (user name, password) verbatim and percent-encoded, longest first so a secret containing
 * another is removed whole.
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*@/gi, '$1***@');
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret === '') continue;
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
  }
  for (const form of [...forms].sort((a, b) => b.length - a.length)) {
    out = out.split(form).join('***');
  }
  return out;
}
