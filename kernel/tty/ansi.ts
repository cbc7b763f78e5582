// Standard text mode (reference/phoenix.md §1.11): a byte stream with
// ANSI/VT escapes drawn onto a Screen, with wrapping and scrolling. UTF-8
// sequences for code points up to U+00FF become that CC character.
import { Screen } from './screen.js';
import { ANSI_TO_CC, nearestColor, xterm256 } from './palette.js';

const enum State { Text, Esc, Csi }

export class AnsiWriter {
  private state = State.Text;
  private params = '';
  private pendingWrap = false;
  private saved = { x: 0, y: 0 };
  private utf8: number[] = [];
  private utf8Need = 0;
  /** Colours that SGR 0 and SGR 39/49 return to. */
  defaultFg = 0;
  defaultBg = 15;
  /** Line feed also returns to column 1 (the TTY's nlcr flag, on by default). */
  nlcr = true;

  constructor(readonly screen: Screen) {}

  write(data: Uint8Array): void {
    for (let i = 0; i < data.length; i++) this.byte(data[i]);
    this.screen.version++;
  }

  private byte(b: number): void {
    switch (this.state) {
      case State.Esc:
        if (b === 0x5b) { this.state = State.Csi; this.params = ''; return; }
        this.state = State.Text;
        if (b === 0x37) this.saved = { x: this.screen.cursorX, y: this.screen.cursorY };
        else if (b === 0x38) this.screen.setCursor(this.saved.x, this.saved.y);
        else if (b === 0x63) { this.reset(); }
        return;
      case State.Csi:
        if ((b >= 0x30 && b <= 0x3f) || b === 0x20) { if (this.params.length < 64) this.params += String.fromCharCode(b); return; }
        this.state = State.Text;
        if (b >= 0x40 && b <= 0x7e) this.csi(String.fromCharCode(b));
        return;
      default:
        break;
    }
    if (this.utf8Need > 0) {
      if ((b & 0xc0) === 0x80) {
        this.utf8.push(b);
        if (--this.utf8Need === 0) {
          const cp = Buffer.from(this.utf8).toString('utf8').codePointAt(0) ?? 0x3f;
          this.utf8 = [];
          this.put(cp <= 0xff ? cp : 0x3f);
        }
        return;
      }
      for (const x of this.utf8) this.put(x);
      this.utf8 = []; this.utf8Need = 0;
    }
    if (b === 0x1b) { this.state = State.Esc; return; }
    if (b >= 0xc2 && b <= 0xf4) { this.utf8 = [b]; this.utf8Need = b >= 0xf0 ? 3 : b >= 0xe0 ? 2 : 1; return; }
    switch (b) {
      case 0x0a: { const x = this.screen.cursorX; this.newline(); if (!this.nlcr) this.screen.cursorX = Math.min(x, this.screen.width - 1); return; }
      case 0x0d: this.pendingWrap = false; this.screen.cursorX = 0; return;
      case 0x08: this.pendingWrap = false; if (this.screen.cursorX > 0) this.screen.cursorX--; return;
      case 0x09: { const next = (Math.floor(this.screen.cursorX / 8) + 1) * 8; this.screen.cursorX = Math.min(next, this.screen.width - 1); return; }
      case 0x07: case 0x00: return;
    }
    if (b < 0x20 || b === 0x7f) return;
    this.put(b);
  }

  private reset(): void {
    const s = this.screen;
    s.fg = this.defaultFg; s.bg = this.defaultBg; s.clear(); s.setCursor(0, 0); this.pendingWrap = false;
  }

  private put(ch: number): void {
    const s = this.screen;
    if (this.pendingWrap) { this.newline(); }
    if (s.cursorX >= s.width) this.newline();
    s.writeAt(Uint8Array.of(ch));
    if (s.cursorX >= s.width) { s.cursorX = s.width - 1; this.pendingWrap = true; }
  }

  private newline(): void {
    const s = this.screen;
    this.pendingWrap = false;
    s.cursorX = 0;
    if (s.cursorY >= s.height - 1) { s.scroll(1); s.cursorY = s.height - 1; } else s.cursorY++;
  }

  private csi(final: string): void {
    const s = this.screen;
    const priv = this.params.startsWith('?');
    const nums = (priv ? this.params.slice(1) : this.params).split(';').map((p) => (p === '' ? NaN : Number(p)));
    const n = (i: number, d: number) => (Number.isFinite(nums[i]) ? nums[i] : d);
    const clampY = (y: number) => Math.max(0, Math.min(s.height - 1, y));
    const clampX = (x: number) => Math.max(0, Math.min(s.width - 1, x));
    this.pendingWrap = false;
    switch (final) {
      case 'A': s.cursorY = clampY(s.cursorY - n(0, 1)); break;
      case 'B': s.cursorY = clampY(s.cursorY + n(0, 1)); break;
      case 'C': s.cursorX = clampX(s.cursorX + n(0, 1)); break;
      case 'D': s.cursorX = clampX(s.cursorX - n(0, 1)); break;
      case 'E': s.cursorX = 0; s.cursorY = clampY(s.cursorY + n(0, 1)); break;
      case 'F': s.cursorX = 0; s.cursorY = clampY(s.cursorY - n(0, 1)); break;
      case 'G': s.cursorX = clampX(n(0, 1) - 1); break;
      case 'd': s.cursorY = clampY(n(0, 1) - 1); break;
      case 'H': case 'f': s.setCursor(clampX(n(1, 1) - 1), clampY(n(0, 1) - 1)); break;
      case 'J': {
        const mode = n(0, 0);
        if (mode === 2 || mode === 3) s.clear();
        else if (mode === 0) { s.clearRow(s.cursorY, s.cursorX); for (let y = s.cursorY + 1; y < s.height; y++) s.clearRow(y); }
        else if (mode === 1) { s.clearRow(s.cursorY, 0, s.cursorX + 1); for (let y = 0; y < s.cursorY; y++) s.clearRow(y); }
        break;
      }
      case 'K': {
        const mode = n(0, 0);
        if (mode === 0) s.clearRow(s.cursorY, s.cursorX);
        else if (mode === 1) s.clearRow(s.cursorY, 0, s.cursorX + 1);
        else s.clearRow(s.cursorY);
        break;
      }
      case 'S': s.scroll(n(0, 1)); break;
      case 'T': s.scroll(-n(0, 1)); break;
      case 's': this.saved = { x: s.cursorX, y: s.cursorY }; break;
      case 'u': s.setCursor(this.saved.x, this.saved.y); break;
      case 'h': case 'l': if (priv && nums[0] === 25) s.cursorBlink = final === 'h'; break;
      case 'm': this.sgr(nums); break;
    }
    s.version++;
  }

  private sgr(nums: number[]): void {
    const s = this.screen;
    if (nums.length === 0 || (nums.length === 1 && Number.isNaN(nums[0]))) nums = [0];
    for (let i = 0; i < nums.length; i++) {
      const p = Number.isNaN(nums[i]) ? 0 : nums[i];
      if (p === 0) { s.fg = this.defaultFg; s.bg = this.defaultBg; }
      else if (p === 7) { const t = s.fg; s.fg = s.bg; s.bg = t; }
      else if (p >= 30 && p <= 37) s.fg = ANSI_TO_CC[p - 30];
      else if (p >= 90 && p <= 97) s.fg = ANSI_TO_CC[p - 90 + 8];
      else if (p >= 40 && p <= 47) s.bg = ANSI_TO_CC[p - 40];
      else if (p >= 100 && p <= 107) s.bg = ANSI_TO_CC[p - 100 + 8];
      else if (p === 39) s.fg = this.defaultFg;
      else if (p === 49) s.bg = this.defaultBg;
      else if ((p === 38 || p === 48) && nums[i + 1] === 5) {
        const c = nearestColor(xterm256(nums[i + 2] ?? 0), s.palette);
        if (p === 38) s.fg = c; else s.bg = c;
        i += 2;
      } else if ((p === 38 || p === 48) && nums[i + 1] === 2) {
        const rgb = ((nums[i + 2] ?? 0) << 16) | ((nums[i + 3] ?? 0) << 8) | (nums[i + 4] ?? 0);
        const c = nearestColor(rgb, s.palette);
        if (p === 38) s.fg = c; else s.bg = c;
        i += 4;
      }
    }
  }
}
