/**
 * Hostile path and name inputs for the file routes: traversal, percent- and double-encoding, Unicode look-alikes
 * and non-normal forms, backslashes, drive letters and schemes, control and direction-override characters,
 * trailing dots and spaces, over-long names, zip-slip names, and the symlink planted by the test (`/link`).
 * Every one must be refused with a 4xx and a code: none is a plain, acceptable path.
 */
const TRAVERSALS = [
  '..',
  '../',
  '/..',
  '/../',
  '/../../etc/passwd',
  '/../../../../../../etc/shadow',
  '/a/../../b',
  '/Photos/../../outside',
  '/Photos/..',
  '/./notes.txt',
  '/.',
  '/Photos/./cat.jpg',
  '//etc/passwd',
  '/Photos//cat.jpg',
  '/..;/etc/passwd',
  '/....//....//etc',
  '/.../',
  '/..\\..\\etc\\passwd',
  '\\..\\..\\windows\\win.ini',
  '/a\\b',
  '/Photos\\..\\..\\outside',
  '..\\notes.txt',
  'notes.txt',
  'relative/path',
  './notes.txt',
  '',
  ' /notes.txt',
];
const SCHEMES_AND_DRIVES = [
  'C:\\Windows\\System32',
  '/C:/Windows',
  '/c:',
  'C:',
  'file:///etc/passwd',
  '/file:/etc/passwd',
  '/file:',
  '/http:/evil',
  '~',
  '/~',
  '/~root',
  '/~/.ssh/id_rsa',
  '/\\\\server\\share',
];
const CHARACTERS = [
  '/a\u0000b',
  '/notes.txt\u0000.jpg',
  '/a\nb',
  '/a\rb',
  '/a\tb',
  '/a\u001bb',
  '/a\u007fb',
  '/a\u0085b',
  '/\u202egpj.exe',
  '/a\u2066b',
  '/\ufeffnotes.txt',
  '/\uff0e\uff0e/\uff0e\uff0e/etc/passwd',
  '/\u2024\u2024/etc',
  '/a\uff0fb',
  '/a\u2215b',
  '/a\u2044b',
  '/a\uff3cb',
  '/..\u2215..\u2215etc',
  '/e\u0301', // NFD: not normal form
  '/\ufe68etc',
  '/\u29f8etc',
];
const SHAPES = [
  '/ends.',
  '/ends..',
  '/ends ',
  '/ends. ',
  '/ space',
  '/Photos/cat.jpg.',
  '/' + 'a'.repeat(256),
  '/' + 'é'.repeat(128),
  '/' + 'a/'.repeat(2100),
  '/link',
  '/link/',
  '/link/secret',
  '/link/../notes.txt',
  '/Photos/../link/secret',
];
const ZIP_SLIP = ['/../../../tmp/zip-slip', '/evil/../../../etc/cron.d/x', '/..%2f..%2fzip-slip'];

/** The encodings an attacker layers on top: once and twice percent-encoded (as literal path text). */
function encodings(input: string): string[] {
  const once = input.replace(/\./g, '%2e').replace(/\//g, (m, at: number) => (at === 0 ? m : '%2f'));
  const twice = once.replace(/%/g, '%25');
  return [input, once, twice];
}

export function hostilePaths(): string[] {
  const all = new Set<string>();
  for (const input of [...TRAVERSALS, ...SCHEMES_AND_DRIVES, ...CHARACTERS, ...SHAPES, ...ZIP_SLIP]) {
    for (const form of encodings(input)) all.add(form);
  }
  return [...all];
}

/** Names (for rename, new-folder leaves): every hostile path's last part plus bare hostile names. */
export function hostileNames(): string[] {
  const names = new Set<string>([
    '..',
    '.',
    '',
    ' ',
    'a/b',
    'a\\b',
    '../x',
    'C:',
    'file:x',
    '~x',
    'x.',
    'x ',
    'a'.repeat(256),
  ]);
  for (const input of CHARACTERS) names.add(input.slice(1));
  for (const input of ['..', '../..', '..\\..']) for (const form of encodings(input)) names.add(form);
  return [...names];
}
