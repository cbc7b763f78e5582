// The computer's 8 virtual terminals (reference/phoenix.md §1.11): which one
// is visible, switching (Ctrl+Shift+F1…F8, chvt), and where host keyboard
// input goes. TTYs are created on first use, so headless computers stay small.
import { Tty, KeyInput } from './tty.js';
import { keyForChar, KEY } from './keys.js';
import type { Process } from '../process.js';

export const VT_COUNT = 8;

export interface ConsoleHost {
  signal(p: Process, sig: number): void;
  /** The visible VT changed (init starts shells on demand). */
  switched(vt: number): void;
}

export class Consoles {
  private readonly ttys = new Map<number, Tty>();
  current = 1;
  /** Called when the visible screen must be redrawn. */
  onRedraw: (() => void) | null = null;

  constructor(public width: number, public height: number, private readonly host: ConsoleHost) {}

  has(n: number): boolean { return this.ttys.has(n); }

  get(n: number): Tty {
    if (!Number.isInteger(n) || n < 1 || n > VT_COUNT) throw new Error(`No such terminal ${n}`);
    let t = this.ttys.get(n);
    if (!t) {
      t = new Tty(n, this.width, this.height);
      t.onChange = () => { if (this.current === n) this.onRedraw?.(); };
      this.ttys.set(n, t);
    }
    return t;
  }

  all(): Tty[] { return [...this.ttys.values()]; }

  get visible(): Tty { return this.get(this.current); }

  switchTo(n: number): void {
    if (n === this.current) return;
    this.get(n);
    this.current = n;
    this.host.switched(n);
    this.onRedraw?.();
  }

  resize(width: number, height: number): void {
    this.width = width; this.height = height;
    for (const t of this.ttys.values()) t.resize(width, height);
  }

  /** Keyboard input from the host: VT switching chords first, then the visible TTY. */
  input(ev: KeyInput): void {
    if (ev.type === 'key' && ev.ctrl && ev.shift && ev.code >= 0x81 && ev.code < 0x81 + VT_COUNT) {
      this.switchTo(ev.code - 0x80);
      return;
    }
    if (ev.type === 'key' && ev.ctrl && ev.shift && (ev.code === KEY.left || ev.code === KEY.right)) {
      this.switchTo(((this.current - 1 + (ev.code === KEY.right ? 1 : VT_COUNT - 1)) % VT_COUNT) + 1);
      return;
    }
    this.visible.input(ev, (p, sig) => this.host.signal(p, sig));
  }

  /** Type text as key presses (tests, paste-free automation): key, char, key_up per character. */
  type(text: string, vt = this.current): void {
    const tty = this.get(vt);
    for (const ch of text) {
      const k = keyForChar(ch);
      if (k) tty.input({ type: 'key', code: k.code, shift: k.shift }, (p, s) => this.host.signal(p, s));
      if (ch !== '\n' && ch !== '\r' && ch !== '\t') tty.input({ type: 'char', ch }, (p, s) => this.host.signal(p, s));
      if (k) tty.input({ type: 'key_up', code: k.code, shift: k.shift }, (p, s) => this.host.signal(p, s));
    }
  }

  /** Press a key with modifiers (tests): e.g. press(KEY.c, {ctrl: true}). */
  press(code: number, mods: { ctrl?: boolean; alt?: boolean; shift?: boolean } = {}, vt = this.current): void {
    const tty = this.get(vt);
    tty.input({ type: 'key', code, ...mods }, (p, s) => this.host.signal(p, s));
    tty.input({ type: 'key_up', code, ...mods }, (p, s) => this.host.signal(p, s));
  }
}
