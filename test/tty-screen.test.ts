// The screen model, ANSI standard mode, and the host renderer read back through xterm.
import { describe, expect, test } from 'vitest';
import xterm from '@xterm/headless';
import { Screen } from '../kernel/tty/screen.js';
import { AnsiWriter } from '../kernel/tty/ansi.js';
import { Renderer } from '../bin/term/renderer.js';
import { ccChar } from '../bin/term/charset.js';
import { DEFAULT_PALETTE } from '../kernel/tty/palette.js';

const enc = (s: string) => Buffer.from(s, 'utf8');

describe('standard mode', () => {
  test('wraps at the right edge and scrolls at the bottom', () => {
    const s = new Screen(5, 2);
    const w = new AnsiWriter(s);
    w.write(enc('abcdefgh\nxy'));
    expect(s.text()).toBe('fgh\nxy');
    expect([s.cursorX, s.cursorY]).toEqual([2, 1]);
  });

  test('cursor movement, erase and SGR colours', () => {
    const s = new Screen(10, 3);
    const w = new AnsiWriter(s);
    w.write(enc('hello\x1b[2;3H\x1b[31mred\x1b[0m\x1b[1;1H\x1b[K'));
    expect(s.text()).toBe('\n  red\n');
    expect(s.lineColors(1).fg.slice(2, 5)).toBe('eee');
    w.write(enc('\x1b[2J'));
    expect(s.text()).toBe('\n\n');
  });

  test('UTF-8 up to U+00FF becomes the CC character; others become ?', () => {
    const s = new Screen(10, 1);
    new AnsiWriter(s).write(enc('é€'));
    expect(Array.from(s.chars[0].subarray(0, 2))).toEqual([0xe9, 0x3f]);
  });

  test('binary garbage never throws and stays on the screen', () => {
    const s = new Screen(51, 19);
    const w = new AnsiWriter(s);
    const junk = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) & 255));
    expect(() => w.write(junk)).not.toThrow();
    expect(s.cursorY).toBeLessThan(19);
  });

  test('blit checks its arguments and colours cells', () => {
    const s = new Screen(5, 1);
    s.blit(enc('abc'), '0e1', 'fff');
    expect(s.lineColors(0).fg.slice(0, 3)).toBe('0e1');
    expect(() => s.blit(enc('abc'), '0', 'fff')).toThrow('same length');
  });
});

describe('host renderer', () => {
  async function render(screen: Screen, cols = 60, rows = 22, trueColor = true) {
    const term = new xterm.Terminal({ cols, rows, allowProposedApi: true });
    let out = '';
    const r = new Renderer({ write: (s) => { out += s; }, columns: cols, rows }, trueColor);
    r.start();
    r.draw(screen);
    await new Promise<void>((res) => term.write(out, () => res()));
    return { term, r, out: () => out, reset: () => { out = ''; } };
  }

  test('draws text and 24-bit colours, centred', async () => {
    const s = new Screen(51, 19);
    s.fg = 14; s.bg = 15; s.clear();
    s.setCursor(0, 0);
    s.writeAt(enc('Hello'));
    const { term } = await render(s);
    const ox = Math.floor((60 - 51) / 2), oy = Math.floor((22 - 19) / 2);
    const line = term.buffer.active.getLine(oy)!;
    expect(line.translateToString(true).slice(ox, ox + 5)).toBe('Hello');
    const cell = line.getCell(ox)!;
    expect(cell.isFgRGB()).toBe(true);
    expect(cell.getFgColor()).toBe(DEFAULT_PALETTE[14]);
    expect(cell.getBgColor()).toBe(DEFAULT_PALETTE[15]);
  });

  test('redraws only what changed', async () => {
    const s = new Screen(51, 19);
    const { r, out, reset } = await render(s);
    reset();
    r.draw(s);
    expect(out()).not.toMatch(/[A-Za-z]{3}/);
    s.setCursor(3, 4); s.writeAt(enc('x'));
    reset();
    r.draw(s);
    expect(out()).toContain('x');
    expect(out().length).toBeLessThan(200);
  });

  test('a window smaller than the screen is clipped with a notice', async () => {
    const s = new Screen(51, 19);
    const { term } = await render(s, 30, 10);
    expect(term.buffer.active.getLine(9)!.translateToString(true)).toContain('too small');
  });

  test('a host window of 10×5 clips the screen and says so, without throwing', async () => {
    const s = new Screen(51, 19);
    s.writeAt(enc('hello world'));
    const { term } = await render(s, 10, 5);
    expect(term.buffer.active.getLine(0)!.translateToString(true)).toBe('hello worl');
    expect(term.buffer.active.getLine(4)!.translateToString(true)).toContain('Window');
  });

  test('256-colour fallback', async () => {
    const s = new Screen(51, 19);
    s.writeAt(enc('x'));
    const { out } = await render(s, 60, 22, false);
    expect(out()).toMatch(/38;5;\d+/);
    expect(out()).not.toMatch(/38;2;/);
  });

  test('teletext characters map to sextants', () => {
    expect(ccChar(0x80)).toBe(' ');
    expect(ccChar(0x80 + 21)).toBe('▌');
    expect(ccChar(0x81)).toBe('\u{1FB00}');
    expect(ccChar(0x41)).toBe('A');
    expect(ccChar(0xe9)).toBe('é');
  });

  test('stop restores the terminal', () => {
    let out = '';
    const r = new Renderer({ write: (s) => { out += s; }, columns: 80, rows: 24 }, true);
    r.start(); r.stop(); r.stop();
    expect(out).toContain('\x1b[?1049l');
    expect(out).toContain('\x1b[?25h');
    expect(out.match(/\x1b\[\?1049l/g)!.length).toBe(1);
  });
});
