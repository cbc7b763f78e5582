// The Lua objects of the terminal API: the exclusive Terminal returned by
// openterm (CC term-like methods; colours are indices 0–15) and pseudo-TTYs
// from mktty. Method syntax (`t:write(s)`) and dot syntax both work.
import { LuaRef, LuaState } from '../vm/lua.js';
import { argBoolean, argBytes, argNumber, argString, ArgError, luaMethod, MethodError, optNumber, tostringBytes } from '../vm/methods.js';
import type { JsFunction, LuaValue } from '../vm/values.js';
import { Screen } from './screen.js';
import type { Tty } from './tty.js';
import type { Process } from '../process.js';
import { DEFAULT_PALETTE } from './palette.js';

function colorArg(L: LuaState, idx: number, argn: number): number {
  const c = argNumber(L, idx, argn);
  if (!Number.isInteger(c) || c < 0 || c > 15) throw new ArgError(argn, 'invalid color (expected 0-15)');
  return c;
}

/** CC term-style methods over a screen. `changed` is called after every visible change. */
export function terminalMethods(screen: () => Screen, changed: () => void, live: () => void = () => {}): Record<string, JsFunction> {
  const m = (name: string, body: (L: LuaState, b: number, s: Screen) => LuaValue[] | void, mutates = false) =>
    luaMethod(name, (L, b) => { live(); const r = body(L, b, screen()); if (mutates) changed(); return r; });
  const t: Record<string, JsFunction> = {
    write: m('write', (L, b, s) => { s.writeAt(tostringBytes(L, b)); }, true),
    blit: m('blit', (L, b, s) => {
      const text = argBytes(L, b, 1), fg = argString(L, b + 1, 2), bg = argString(L, b + 2, 3);
      if (fg.length !== text.length || bg.length !== text.length) throw new MethodError('Arguments must be the same length');
      s.blit(text, fg, bg);
    }, true),
    clear: m('clear', (_L, _b, s) => { s.clear(); }, true),
    clearLine: m('clearLine', (_L, _b, s) => { s.clearRow(s.cursorY); }, true),
    getCursorPos: m('getCursorPos', (_L, _b, s) => [s.cursorX + 1, s.cursorY + 1]),
    setCursorPos: m('setCursorPos', (L, b, s) => { s.setCursor(Math.floor(argNumber(L, b, 1)) - 1, Math.floor(argNumber(L, b + 1, 2)) - 1); }, true),
    getCursorBlink: m('getCursorBlink', (_L, _b, s) => [s.cursorBlink]),
    setCursorBlink: m('setCursorBlink', (L, b, s) => { s.cursorBlink = argBoolean(L, b, 1); s.version++; }, true),
    isColor: m('isColor', () => [true]),
    getSize: m('getSize', (_L, _b, s) => [s.width, s.height]),
    scroll: m('scroll', (L, b, s) => { s.scroll(Math.floor(argNumber(L, b, 1))); }, true),
    getTextColor: m('getTextColor', (_L, _b, s) => [s.fg]),
    setTextColor: m('setTextColor', (L, b, s) => { s.fg = colorArg(L, b, 1); }),
    getBackgroundColor: m('getBackgroundColor', (_L, _b, s) => [s.bg]),
    setBackgroundColor: m('setBackgroundColor', (L, b, s) => { s.bg = colorArg(L, b, 1); }),
    getPaletteColor: m('getPaletteColor', (L, b, s) => rgbOf(s.palette[colorArg(L, b, 1)])),
    setPaletteColor: m('setPaletteColor', (L, b, s) => {
      const c = colorArg(L, b, 1);
      const r = argNumber(L, b + 1, 2);
      const g = optNumber(L, b + 2, 3);
      if (g === undefined) { s.setPalette(c, Math.floor(r)); return; }
      const bl = argNumber(L, b + 3, 4);
      const to8 = (v: number) => Math.max(0, Math.min(255, Math.round(v * 255)));
      s.setPalette(c, (to8(r) << 16) | (to8(g) << 8) | to8(bl));
    }, true),
    nativePaletteColor: m('nativePaletteColor', (L, b) => rgbOf(DEFAULT_PALETTE[colorArg(L, b, 1)])),
    getLine: m('getLine', (L, b, s) => {
      const y = Math.floor(argNumber(L, b, 1)) - 1;
      if (y < 0 || y >= s.height) return [];
      const c = s.lineColors(y);
      return [Buffer.from(s.chars[y]), c.fg, c.bg];
    }),
  };
  // British spellings, as CC offers them.
  for (const [us, gb] of [['getTextColor', 'getTextColour'], ['setTextColor', 'setTextColour'], ['getBackgroundColor', 'getBackgroundColour'],
    ['setBackgroundColor', 'setBackgroundColour'], ['getPaletteColor', 'getPaletteColour'], ['setPaletteColor', 'setPaletteColour'],
    ['nativePaletteColor', 'nativePaletteColour'], ['isColor', 'isColour']]) t[gb] = t[us];
  return t;
}

function rgbOf(rgb: number): number[] {
  return [((rgb >> 16) & 255) / 255, ((rgb >> 8) & 255) / 255, (rgb & 255) / 255];
}



/** openterm: exclusive use of `tty` by `owner` (the same object again for the same owner).
 * Returns [Terminal] or [nil, message]; the screen goes back to standard mode on close or exit. */
export function openExclusive(tty: Tty, owner: Process): LuaValue[] {
  if (tty.exclusive) {
    if (tty.exclusive.owner === owner && tty.exclusive.handle) return [tty.exclusive.handle];
    if (tty.exclusive.owner.alive) return [undefined, 'Terminal is in use by another process'];
  }
  const screen = new Screen(tty.width, tty.height);
  screen.fg = 0; screen.bg = 15; screen.clear();
  const ex = { owner, screen, handle: null as LuaRef | null };
  tty.exclusive = ex;
  const live = () => { if (tty.exclusive !== ex) throw new MethodError('attempt to use a closed terminal'); };
  const methods = terminalMethods(() => ex.screen, () => tty.changed(), live);
  methods.close = luaMethod('close', () => { live(); tty.closeExclusive(); });
  ex.handle = owner.computer.makeRef(methods);
  owner.dependents.push(() => { if (tty.exclusive === ex) tty.closeExclusive(); });
  tty.changed();
  return [ex.handle];
}
