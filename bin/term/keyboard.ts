// Host keyboard input → Phoenix key events. Understands legacy terminal input
// (control bytes, CSI/SS3 sequences, Alt as an ESC prefix, bracketed paste)
// and the kitty keyboard protocol (CSI … u with press/repeat/release and the
// text of the key). Without kitty, key_up is synthesised right after key.
import type { KeyInput } from '../../kernel/tty/tty.js';
import { KEY, fkey, keyForChar } from '../../kernel/tty/keys.js';

export type KeyAction = KeyInput | { type: 'quit' };

interface Mods { shift: boolean; alt: boolean; ctrl: boolean }
const NOMODS: Mods = { shift: false, alt: false, ctrl: false };

function mods(m: number): Mods {
  const b = Math.max(0, m - 1);
  return { shift: !!(b & 1), alt: !!(b & 2), ctrl: !!(b & 4) };
}

/** Legacy `CSI n ~` numbers. */
const TILDE: Record<number, number> = {
  1: KEY.home, 2: KEY.insert, 3: KEY.delete, 4: KEY.end, 5: KEY.pageUp, 6: KEY.pageDown, 7: KEY.home, 8: KEY.end,
  11: fkey(1), 12: fkey(2), 13: fkey(3), 14: fkey(4), 15: fkey(5), 17: fkey(6), 18: fkey(7), 19: fkey(8),
  20: fkey(9), 21: fkey(10), 23: fkey(11), 24: fkey(12),
};
/** `CSI … X` and `SS3 X` letters. */
const LETTER: Record<string, number> = {
  A: KEY.up, B: KEY.down, C: KEY.right, D: KEY.left, H: KEY.home, F: KEY.end,
  P: fkey(1), Q: fkey(2), R: fkey(3), S: fkey(4), M: KEY.numPadEnter,
};
/** kitty's codes for keys without a Unicode value. */
const KITTY: Record<number, number> = {
  13: KEY.enter, 9: KEY.tab, 127: KEY.backspace, 8: KEY.backspace,
  57358: KEY.capsLock, 57359: KEY.scrollLock, 57360: KEY.numLock, 57361: KEY.printScreen, 57362: KEY.pause, 57363: KEY.menu,
  57441: KEY.leftShift, 57442: KEY.leftCtrl, 57443: KEY.leftAlt, 57444: KEY.leftSuper,
  57447: KEY.rightShift, 57448: KEY.rightCtrl, 57449: KEY.rightAlt, 57450: KEY.rightSuper,
  57414: KEY.numPadEnter,
};

export class KeyboardParser {
  private pending = '';
  private paste: string | null = null;
  constructor(public kitty = false) {}

  feed(data: Buffer | string): KeyAction[] {
    let s = this.pending + (typeof data === 'string' ? data : data.toString('utf8'));
    this.pending = '';
    const out: KeyAction[] = [];
    let i = 0;
    while (i < s.length) {
      if (this.paste !== null) {
        const end = s.indexOf('\x1b[201~', i);
        if (end < 0) { this.paste += s.slice(i); return out; }
        this.paste += s.slice(i, end);
        out.push({ type: 'paste', text: this.paste });
        this.paste = null;
        i = end + 6;
        continue;
      }
      const ch = s[i];
      if (ch === '\x1b') {
        const used = this.escape(s, i, out);
        if (used < 0) { this.pending = s.slice(i); return out; }
        i += used;
        continue;
      }
      const cp = s.codePointAt(i)!;
      const len = cp > 0xffff ? 2 : 1;
      this.plain(cp, NOMODS, out);
      i += len;
    }
    return out;
  }

  private press(code: number, m: Mods, out: KeyAction[], repeat = false): void {
    out.push({ type: 'key', code, repeat, ...m });
    if (!this.kitty) out.push({ type: 'key_up', code, ...m });
  }

  /** A byte or character typed without an escape sequence (alt set when it came after ESC). */
  private plain(cp: number, m: Mods, out: KeyAction[]): void {
    if (cp === 0x0d || cp === 0x0a) return this.press(KEY.enter, m, out);
    if (cp === 0x09) return this.press(KEY.tab, m, out);
    if (cp === 0x7f || cp === 0x08) return this.press(KEY.backspace, m, out);
    if (cp === 0x00) return this.press(KEY.space, { ...m, ctrl: true }, out);
    if (cp < 0x20) {
      if (cp === 0x1c) return this.press(KEY.backslash, { ...m, ctrl: true }, out);
      const letter = cp + 0x60; // Ctrl+A = 0x01 → 'a'
      if (letter === KEY.q && m.alt) { out.push({ type: 'quit' }); return; }
      return this.press(letter, { ...m, ctrl: true }, out);
    }
    const ch = String.fromCodePoint(cp);
    const k = keyForChar(ch);
    if (k) out.push({ type: 'key', code: k.code, ...m, shift: m.shift || k.shift });
    if (!m.alt && !m.ctrl) out.push({ type: 'char', ch });
    if (k && !this.kitty) out.push({ type: 'key_up', code: k.code, ...m, shift: m.shift || k.shift });
  }

  /** Parse an escape sequence at s[i]; returns characters used, or -1 if incomplete. */
  private escape(s: string, i: number, out: KeyAction[]): number {
    if (i + 1 >= s.length) return 1; // a lone Escape: Phoenix reserves its code, so it is dropped
    const next = s[i + 1];
    if (next === '[') {
      const m = /^\x1b\[([?<>=]?)([0-9;:]*)([\x20-\x2f]*)([\x40-\x7e])/.exec(s.slice(i));
      if (!m) return s.length - i > 32 ? 2 : -1;
      this.csi(m[1], m[2], m[4], out);
      return m[0].length;
    }
    if (next === 'O') {
      if (i + 2 >= s.length) return -1;
      const code = LETTER[s[i + 2]];
      if (code !== undefined) this.press(code, NOMODS, out);
      return 3;
    }
    // Alt + key.
    const cp = s.codePointAt(i + 1)!;
    this.plain(cp, { ...NOMODS, alt: true }, out);
    return 1 + (cp > 0xffff ? 2 : 1);
  }

  private csi(prefix: string, params: string, final: string, out: KeyAction[]): void {
    if (prefix === '?' && final === 'u') { this.kitty = true; return; } // reply to the kitty query
    if (prefix !== '') return; // other replies (device attributes)
    if (params === '200' && final === '~') { this.paste = ''; return; }
    const fields = params.split(';');
    const [m1, ev1] = (fields[1] ?? '1').split(':').map(Number);
    const md = mods(m1 || 1);
    const event = ev1 || 1;
    const emit = (code: number) => {
      if (event === 3) { out.push({ type: 'key_up', code, ...md }); return; }
      if (md.ctrl && md.alt && code === KEY.q) { out.push({ type: 'quit' }); return; }
      this.press(code, md, out, event === 2);
    };
    if (final === 'u') {
      const key = Number(fields[0].split(':')[0]);
      const text = fields[2] ? String.fromCodePoint(...fields[2].split(':').map(Number)) : '';
      const code = KITTY[key] ?? (key >= 32 && key < 0x7f ? keyForChar(String.fromCharCode(key).toLowerCase())?.code ?? null : null);
      if (code !== null && code !== undefined) emit(code);
      if (event !== 3 && !md.ctrl && !md.alt) {
        const t = text || (key >= 32 && key !== 127 && !(key in KITTY) && key < 57344 ? String.fromCodePoint(md.shift ? String.fromCodePoint(key).toUpperCase().codePointAt(0)! : key) : '');
        if (t) out.push({ type: 'char', ch: t });
      }
      return;
    }
    if (final === '~') {
      const code = TILDE[Number(fields[0])];
      if (code !== undefined) emit(code);
      return;
    }
    const code = LETTER[final];
    if (code !== undefined) emit(code);
  }
}

