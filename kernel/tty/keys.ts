// Phoenix keycodes (reference/phoenix.md §5.3): printable keys are their
// lowercase ASCII value; the rest have fixed codes from 0x80 up.
export const KEY = {
  backspace: 0x08, tab: 0x09, enter: 0x0a, space: 0x20, apostrophe: 0x27, comma: 0x2c, minus: 0x2d,
  period: 0x2e, slash: 0x2f, semicolon: 0x3b, equals: 0x3d, leftBracket: 0x5b, backslash: 0x5c,
  rightBracket: 0x5d, grave: 0x60, delete: 0x7f, insert: 0x80,
  a: 0x61, c: 0x63, d: 0x64, l: 0x6c, q: 0x71, z: 0x7a,
  f1: 0x81, numPadEnter: 0xaf,
  leftCtrl: 0xb0, rightCtrl: 0xb1, leftAlt: 0xb2, rightAlt: 0xb3, leftShift: 0xb4, rightShift: 0xb5,
  leftSuper: 0xb6, rightSuper: 0xb7, capsLock: 0xb8, numLock: 0xb9, scrollLock: 0xba,
  printScreen: 0xbb, pause: 0xbc, menu: 0xbd,
  up: 0xc0, down: 0xc1, left: 0xc2, right: 0xc3, pageUp: 0xc4, pageDown: 0xc5, home: 0xc6, end: 0xc7,
} as const;

/** Function key n (1–25). */
export function fkey(n: number): number { return 0x80 + n; }

/** The key that types `ch` on a US layout, and whether Shift is needed. */
export function keyForChar(ch: string): { code: number; shift: boolean } | null {
  if (ch === '\n' || ch === '\r') return { code: KEY.enter, shift: false };
  if (ch === '\t') return { code: KEY.tab, shift: false };
  if (ch.length !== 1) return null;
  const c = ch.charCodeAt(0);
  if (c >= 0x61 && c <= 0x7a) return { code: c, shift: false };
  if (c >= 0x41 && c <= 0x5a) return { code: c + 32, shift: true };
  if ((c >= 0x30 && c <= 0x39) || ' \',-./;=[\\]`'.includes(ch)) return { code: c, shift: false };
  const shifted = '!@#$%^&*()';
  const i = shifted.indexOf(ch);
  if (i >= 0) return { code: '1234567890'.charCodeAt(i), shift: true };
  const other: Record<string, string> = { '_': '-', '+': '=', '{': '[', '}': ']', '|': '\\', ':': ';', '"': '\'', '<': ',', '>': '.', '?': '/', '~': '`' };
  if (other[ch]) return { code: other[ch].charCodeAt(0), shift: true };
  return null;
}
