// The 16 ComputerCraft colours, in Phoenix's index order (libsystem
// terminal.colors: white = 0 … black = 15), and how ANSI SGR colours map onto them.
export const DEFAULT_PALETTE: readonly number[] = [
  0xf0f0f0, 0xf2b233, 0xe57fd8, 0x99b2f2, 0xdede6c, 0x7fcc19, 0xf2b2cc, 0x4c4c4c,
  0x999999, 0x4c99b2, 0xb266e5, 0x3366cc, 0x7f664c, 0x57a64e, 0xcc4c4c, 0x111111,
];

export const COLOR = {
  white: 0, orange: 1, magenta: 2, lightBlue: 3, yellow: 4, lime: 5, pink: 6, gray: 7,
  lightGray: 8, cyan: 9, purple: 10, blue: 11, brown: 12, green: 13, red: 14, black: 15,
} as const;

/** ANSI colours 0–7 (SGR 30–37/40–47) and their bright versions (90–97/100–107). */
export const ANSI_TO_CC: readonly number[] = [
  COLOR.black, COLOR.red, COLOR.green, COLOR.yellow, COLOR.blue, COLOR.magenta, COLOR.cyan, COLOR.lightGray,
  COLOR.gray, COLOR.red, COLOR.lime, COLOR.yellow, COLOR.lightBlue, COLOR.pink, COLOR.cyan, COLOR.white,
];

/** Nearest palette entry to an RGB colour (for 256-colour and true-colour SGR input). */
export function nearestColor(rgb: number, palette: readonly number[] = DEFAULT_PALETTE): number {
  let best = 0, bestD = Infinity;
  const r = (rgb >> 16) & 255, g = (rgb >> 8) & 255, b = rgb & 255;
  palette.forEach((p, i) => {
    const d = (r - ((p >> 16) & 255)) ** 2 + (g - ((p >> 8) & 255)) ** 2 + (b - (p & 255)) ** 2;
    if (d < bestD) { bestD = d; best = i; }
  });
  return best;
}

/** xterm's 256-colour table entry as RGB. */
export function xterm256(n: number): number {
  if (n < 16) return DEFAULT_PALETTE[ANSI_TO_CC[n]];
  if (n < 232) {
    const v = n - 16, steps = [0, 95, 135, 175, 215, 255];
    return (steps[Math.floor(v / 36)] << 16) | (steps[Math.floor(v / 6) % 6] << 8) | steps[v % 6];
  }
  const g = 8 + (n - 232) * 10;
  return (g << 16) | (g << 8) | g;
}

export const HEX = '0123456789abcdef';
