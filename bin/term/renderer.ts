// Draws a computer's visible screen into the host terminal with ANSI escapes:
// 24-bit colour (256-colour fallback), redrawing only the cells that changed,
// centred in the window (or clipped, with a notice, when the window is too
// small). Always restores the terminal on stop().
import type { Screen } from '../../kernel/tty/screen.js';
import { ccChar } from './charset.js';

export interface RenderTarget {
  write(s: string): void;
  columns: number;
  rows: number;
}

const CSI = '\x1b[';

function rgb256(rgb: number): number {
  const r = (rgb >> 16) & 255, g = (rgb >> 8) & 255, b = rgb & 255;
  const q = (v: number) => (v < 48 ? 0 : v < 115 ? 1 : Math.floor((v - 35) / 40));
  const steps = [0, 95, 135, 175, 215, 255];
  const ci = 16 + 36 * q(r) + 6 * q(g) + q(b);
  const cd = (steps[q(r)] - r) ** 2 + (steps[q(g)] - g) ** 2 + (steps[q(b)] - b) ** 2;
  const grey = Math.max(0, Math.min(23, Math.round(((r + g + b) / 3 - 8) / 10)));
  const gv = 8 + grey * 10;
  const gd = (gv - r) ** 2 + (gv - g) ** 2 + (gv - b) ** 2;
  return gd < cd ? 232 + grey : ci;
}

export class Renderer {
  private front = new Int32Array(0);
  private frontPalette = '';
  private layoutKey = '';
  private started = false;
  frames = 0;

  constructor(private readonly out: RenderTarget, private readonly trueColor: boolean) {}

  start(): void {
    if (this.started) return;
    this.started = true;
    this.out.write(`${CSI}?1049h${CSI}?25l${CSI}?2004h${CSI}2J`);
  }

  /** Leave the terminal as we found it. Safe to call more than once. */
  stop(): void {
    if (!this.started) return;
    this.started = false;
    this.out.write(`${CSI}?2026l${CSI}0m${CSI}?2004l${CSI}?25h${CSI}?1049l`);
  }

  private color(rgb: number, bg: boolean): string {
    if (this.trueColor) return `${bg ? 48 : 38};2;${(rgb >> 16) & 255};${(rgb >> 8) & 255};${rgb & 255}`;
    return `${bg ? 48 : 38};5;${rgb256(rgb)}`;
  }

  /** Invalidate everything (after a resize or a VT switch). */
  invalidate(): void { this.front = new Int32Array(0); this.layoutKey = ''; }

  draw(s: Screen): void {
    if (!this.started) return;
    const cols = this.out.columns, rows = this.out.rows;
    const tooSmall = cols < s.width || rows < s.height;
    const visW = Math.min(s.width, cols), visH = Math.min(s.height, tooSmall ? rows - 1 : rows);
    const ox = Math.max(0, Math.floor((cols - s.width) / 2)), oy = Math.max(0, Math.floor((rows - s.height) / 2));
    const key = `${cols}x${rows}:${s.width}x${s.height}`;
    let out = `${CSI}?2026h`;
    const pal = s.palette.join(',');
    if (key !== this.layoutKey || pal !== this.frontPalette || this.front.length !== s.width * s.height) {
      out += `${CSI}0m${CSI}2J`;
      this.front = new Int32Array(s.width * s.height).fill(-1);
      this.layoutKey = key;
      this.frontPalette = pal;
    }
    let lastSgr = '';
    for (let y = 0; y < visH; y++) {
      const chars = s.chars[y], fgs = s.fgs[y], bgs = s.bgs[y];
      let x = 0;
      while (x < visW) {
        const id = (chars[x] << 16) | (fgs[x] << 8) | bgs[x];
        const fi = y * s.width + x;
        if (this.front[fi] === id) { x++; continue; }
        out += `${CSI}${oy + y + 1};${ox + x + 1}H`;
        while (x < visW) {
          const id2 = (chars[x] << 16) | (fgs[x] << 8) | bgs[x];
          const fi2 = y * s.width + x;
          if (this.front[fi2] === id2) break;
          const sgr = `${CSI}${this.color(s.palette[fgs[x]], false)};${this.color(s.palette[bgs[x]], true)}m`;
          if (sgr !== lastSgr) { out += sgr; lastSgr = sgr; }
          out += ccChar(chars[x]);
          this.front[fi2] = id2;
          x++;
        }
      }
    }
    if (tooSmall) {
      const msg = ` Window too small: cinder needs ${s.width}×${s.height}, this is ${cols}×${rows} `.slice(0, cols);
      out += `${CSI}${rows};1H${CSI}0m${CSI}7m${msg}${CSI}0m${CSI}K`;
      lastSgr = '';
    }
    out += `${CSI}0m`;
    const cx = s.cursorX, cy = s.cursorY;
    if (s.cursorBlink && cx >= 0 && cy >= 0 && cx < visW && cy < visH) {
      out += `${CSI}${oy + cy + 1};${ox + cx + 1}H${CSI}?25h`;
    } else out += `${CSI}?25l`;
    out += `${CSI}?2026l`;
    this.out.write(out);
    this.frames++;
  }
}
