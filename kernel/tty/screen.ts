// A character-cell screen: bytes (the CC character set), foreground and
// background colour indices per cell, a cursor and a palette. Shared by TTYs,
// exclusive Terminal objects, pseudo-TTYs, monitors and the host renderer.
import { DEFAULT_PALETTE, HEX } from './palette.js';

export class Screen {
  chars: Uint8Array[];
  fgs: Uint8Array[];
  bgs: Uint8Array[];
  cursorX = 0;
  cursorY = 0;
  cursorBlink = true;
  fg = 0;
  bg = 15;
  palette: number[] = [...DEFAULT_PALETTE];
  /** Bumped on every change; renderers redraw when it moves. */
  version = 0;
  readonly dirty = new Set<number>();
  paletteDirty = false;

  constructor(public width: number, public height: number) {
    this.chars = []; this.fgs = []; this.bgs = [];
    for (let y = 0; y < height; y++) this.pushRow();
  }

  private pushRow(): void {
    this.chars.push(new Uint8Array(this.width).fill(32));
    this.fgs.push(new Uint8Array(this.width).fill(this.fg));
    this.bgs.push(new Uint8Array(this.width).fill(this.bg));
  }

  private touch(y: number): void { this.dirty.add(y); this.version++; }

  /** Put bytes at the cursor without wrapping (CC term.write); the cursor moves past them. */
  writeAt(bytes: Uint8Array): void {
    const y = this.cursorY;
    if (y >= 0 && y < this.height) {
      for (let i = 0; i < bytes.length; i++) {
        const x = this.cursorX + i;
        if (x < 0 || x >= this.width) continue;
        this.chars[y][x] = bytes[i]; this.fgs[y][x] = this.fg; this.bgs[y][x] = this.bg;
      }
      this.touch(y);
    }
    this.cursorX += bytes.length;
    this.version++;
  }

  /** Text with per-cell colours given as hex digit strings of the same length. */
  blit(text: Uint8Array, fg: string, bg: string): void {
    if (fg.length !== text.length || bg.length !== text.length) throw new Error('Arguments must be the same length');
    const y = this.cursorY;
    if (y >= 0 && y < this.height) {
      for (let i = 0; i < text.length; i++) {
        const x = this.cursorX + i;
        if (x < 0 || x >= this.width) continue;
        const f = HEX.indexOf(fg[i].toLowerCase()), b = HEX.indexOf(bg[i].toLowerCase());
        this.chars[y][x] = text[i];
        if (f >= 0) this.fgs[y][x] = f;
        if (b >= 0) this.bgs[y][x] = b;
      }
      this.touch(y);
    }
    this.cursorX += text.length;
  }

  clear(): void {
    for (let y = 0; y < this.height; y++) this.clearRow(y);
  }

  clearRow(y: number, from = 0, to = this.width): void {
    if (y < 0 || y >= this.height) return;
    this.chars[y].fill(32, from, to); this.fgs[y].fill(this.fg, from, to); this.bgs[y].fill(this.bg, from, to);
    this.touch(y);
  }

  /** Scroll the contents up by n lines (down when negative), filling with the background colour. */
  scroll(n: number): void {
    if (n === 0) return;
    const h = this.height;
    const shift = <T>(rows: T[], blank: () => T) => {
      if (Math.abs(n) >= h) return rows.map(blank);
      return n > 0 ? [...rows.slice(n), ...Array.from({ length: n }, blank)] : [...Array.from({ length: -n }, blank), ...rows.slice(0, h + n)];
    };
    this.chars = shift(this.chars, () => new Uint8Array(this.width).fill(32));
    this.fgs = shift(this.fgs, () => new Uint8Array(this.width).fill(this.fg));
    this.bgs = shift(this.bgs, () => new Uint8Array(this.width).fill(this.bg));
    for (let y = 0; y < h; y++) this.dirty.add(y);
    this.version++;
  }

  setCursor(x: number, y: number): void { this.cursorX = x; this.cursorY = y; this.version++; }

  resize(width: number, height: number): void {
    const old = { chars: this.chars, fgs: this.fgs, bgs: this.bgs, w: this.width, h: this.height };
    this.width = width; this.height = height;
    this.chars = []; this.fgs = []; this.bgs = [];
    for (let y = 0; y < height; y++) {
      this.pushRow();
      if (y < old.h) {
        const n = Math.min(width, old.w);
        this.chars[y].set(old.chars[y].subarray(0, n)); this.fgs[y].set(old.fgs[y].subarray(0, n)); this.bgs[y].set(old.bgs[y].subarray(0, n));
      }
      this.dirty.add(y);
    }
    this.version++;
  }

  setPalette(i: number, rgb: number): void { this.palette[i] = rgb & 0xffffff; this.paletteDirty = true; this.version++; }

  /** Row y as text (bytes decoded as Latin-1), for tests and getLine. */
  line(y: number): string { return Buffer.from(this.chars[y]).toString('latin1'); }
  lineColors(y: number): { fg: string; bg: string } {
    return { fg: Array.from(this.fgs[y], (c) => HEX[c]).join(''), bg: Array.from(this.bgs[y], (c) => HEX[c]).join('') };
  }
  /** The whole screen as text, trailing spaces trimmed. */
  text(): string { return this.chars.map((_, y) => this.line(y).replace(/ +$/, '')).join('\n'); }
}
