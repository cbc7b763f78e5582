// Host key input → Phoenix key events (legacy terminals and the kitty protocol).
import { describe, expect, test } from 'vitest';
import { KeyboardParser } from '../bin/term/keyboard.js';
import { KEY, fkey } from '../kernel/tty/keys.js';

describe('legacy input', () => {
  test('text becomes key, char and a synthesised key_up', () => {
    const p = new KeyboardParser();
    expect(p.feed('A')).toEqual([
      { type: 'key', code: 0x61, shift: true, alt: false, ctrl: false },
      { type: 'char', ch: 'A' },
      { type: 'key_up', code: 0x61, shift: true, alt: false, ctrl: false },
    ]);
  });
  test('control keys, arrows, function keys and modifiers', () => {
    const p = new KeyboardParser();
    const keys = (s: string) => p.feed(s).filter((e) => e.type === 'key').map((e) => e.type === 'key' && [e.code, !!e.ctrl, !!e.shift, !!e.alt]);
    expect(keys('\r')).toEqual([[KEY.enter, false, false, false]]);
    expect(keys('\x03')).toEqual([[KEY.c, true, false, false]]);
    expect(keys('\x7f')).toEqual([[KEY.backspace, false, false, false]]);
    expect(keys('\x1b[A\x1b[D\x1bOP\x1b[15~\x1b[3~')).toEqual([[KEY.up, false, false, false], [KEY.left, false, false, false], [fkey(1), false, false, false], [fkey(5), false, false, false], [KEY.delete, false, false, false]]);
    expect(keys('\x1b[1;6P')).toEqual([[fkey(1), true, true, false]]);
    expect(keys('\x1bx')).toEqual([[0x78, false, false, true]]);
  });
  test('Ctrl+Alt+Q quits', () => {
    expect(new KeyboardParser().feed('\x1b\x11')).toEqual([{ type: 'quit' }]);
  });
  test('bracketed paste, even split across chunks', () => {
    const p = new KeyboardParser();
    expect(p.feed('\x1b[200~hello ')).toEqual([]);
    expect(p.feed('world\x1b[201~')).toEqual([{ type: 'paste', text: 'hello world' }]);
  });
  test('an escape sequence split across chunks', () => {
    const p = new KeyboardParser();
    expect(p.feed('\x1b[')).toEqual([]);
    expect(p.feed('B').map((e) => e.type)).toEqual(['key', 'key_up']);
  });
});

describe('kitty keyboard protocol', () => {
  test('press, repeat and release of a letter with its text', () => {
    const p = new KeyboardParser(true);
    expect(p.feed('\x1b[97;1:1;97u')).toEqual([{ type: 'key', code: 0x61, repeat: false, shift: false, alt: false, ctrl: false }, { type: 'char', ch: 'a' }]);
    expect(p.feed('\x1b[97;1:2;97u')[0]).toMatchObject({ type: 'key', repeat: true });
    expect(p.feed('\x1b[97;1:3u')).toEqual([{ type: 'key_up', code: 0x61, shift: false, alt: false, ctrl: false }]);
  });
  test('modifier keys and releases of arrows arrive', () => {
    const p = new KeyboardParser(true);
    expect(p.feed('\x1b[57442;5:1u')[0]).toMatchObject({ type: 'key', code: KEY.leftCtrl, ctrl: true });
    expect(p.feed('\x1b[1;1:3A')[0]).toMatchObject({ type: 'key_up', code: KEY.up });
  });
  test('the reply to the capability query switches the protocol on', () => {
    const p = new KeyboardParser(false);
    p.feed('\x1b[?11u');
    expect(p.kitty).toBe(true);
  });
  test('Ctrl+Alt+Q quits', () => {
    expect(new KeyboardParser(true).feed('\x1b[113;7u')).toEqual([{ type: 'quit' }]);
  });
});
