// The monitor driver (reference/phoenix.md §6.4): a TTY of its own (the
// kernel's Tty: ANSI output on a character screen) whose size follows the
// text scale (0.5–5); changing the scale posts `monitor_resize {device,
// width, height}`. write() takes ANSI text; getLines() reads the screen back.
import { DeviceError, DeviceNode, Driver } from './tree.js';
import { Tty } from '../kernel/tty/tty.js';
import { openExclusive } from '../kernel/tty/objects.js';
import { LuaTable } from '../kernel/vm/values.js';

/** Size in characters of a 3×2-block monitor at scale 1 (CC: Tweaked's 29×12 for that size). */
const BASE_W = 29, BASE_H = 12;

interface MonitorState { scale: number; tty: Tty }

export function monitorState(node: DeviceNode): MonitorState {
  let s = node.state.get('monitor') as MonitorState | undefined;
  if (!s) { s = { scale: 1, tty: new Tty(0, BASE_W, BASE_H) }; node.state.set('monitor', s); }
  return s;
}

/** The monitor's text, one string per row (trailing blanks kept). */
export function monitorLines(node: DeviceNode): string[] {
  return monitorState(node).tty.screen.chars.map((row) => Buffer.from(row).toString('latin1'));
}

/** The monitor's text with trailing blanks and empty last rows trimmed (tests). */
export function monitorText(node: DeviceNode): string {
  return monitorLines(node).map((l) => l.trimEnd()).join('\n').trimEnd();
}

const sizeAt = (scale: number) => ({ width: Math.max(1, Math.round(BASE_W / scale)), height: Math.max(1, Math.round(BASE_H / scale)) });

export const monitorDriver: Driver = {
  name: 'peripheral_monitor', type: 'monitor',
  properties: ['scale', 'size'],
  methods: {
    getScale: (n) => [monitorState(n).scale],
    setScale: (n, _p, v) => {
      if (typeof v !== 'number' || v < 0.5 || v > 5 || (v * 2) % 1 !== 0) throw new DeviceError('Expected number in range 0.5-5 (in steps of 0.5)');
      const s = monitorState(n);
      if (s.scale === v) return;
      s.scale = v;
      const size = sizeAt(v);
      s.tty.resize(size.width, size.height);
      n.broadcast('monitor_resize', { device: n.path, width: size.width, height: size.height });
    },
    getSize: (n) => { const t = monitorState(n).tty; return [{ width: t.width, height: t.height }]; },
    write: (n, _p, ...vals) => {
      const parts = vals.map((v) => (v instanceof Uint8Array ? Buffer.from(v) : Buffer.from(typeof v === 'string' ? v : String(v ?? 'nil'), 'utf8')));
      monitorState(n).tty.write(Buffer.concat(parts));
    },
    clear: (n) => { const t = monitorState(n).tty; t.screen.clear(); t.screen.cursorX = 0; t.screen.cursorY = 0; t.changed(); },
    getLines: (n) => [monitorLines(n)],
    termctl: (n, _p, flags) => {
      const t = monitorState(n).tty;
      if (flags instanceof LuaTable) {
        for (const k of Object.keys(t.flags) as Array<keyof Tty['flags']>) { const v = flags.get(k); if (typeof v === 'boolean') t.flags[k] = v; }
      }
      return [{ ...t.flags, hasgfx: false }];
    },
    openterm: (n, p) => {
      if (!p) throw new DeviceError('No process');
      return openExclusive(monitorState(n).tty, p);
    },
    opengfx: () => { throw new DeviceError('Not supported: cinder has no graphics mode'); },
  },
};
