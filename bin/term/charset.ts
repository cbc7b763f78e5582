// ComputerCraft's character set as Unicode, for drawing in a host terminal.
// 0x80–0x9F are 2×3 "teletext" blocks (bit 0 top-left … bit 4 bottom-left;
// the bottom-right pixel is always off) drawn with the Unicode sextants.
const LOW = ' ☺☻♥♦♣♠•◘○◙♂♀♪♫☼►◄↕‼¶§▬↨↑↓→←∟↔▲▼';

function sextant(v: number): string {
  if (v === 0) return ' ';
  if (v === 21) return '▌';
  if (v === 42) return '▐';
  if (v === 63) return '█';
  let idx = v - 1;
  if (v > 21) idx--;
  if (v > 42) idx--;
  return String.fromCodePoint(0x1fb00 + idx);
}

const TABLE: string[] = Array.from({ length: 256 }, (_, b) => {
  if (b < 0x20) return [...LOW][b];
  if (b < 0x7f) return String.fromCharCode(b);
  if (b === 0x7f) return '▒';
  if (b < 0xa0) return sextant(b - 0x80);
  if (b === 0xa0) return ' ';
  return String.fromCharCode(b);
});

export function ccChar(b: number): string { return TABLE[b & 0xff]; }
