// The printer driver (reference/phoenix.md §6.4): ink and paper levels, and
// page() returning a Page object (size, cursor, title, write, close). Closed
// pages are kept on the printer's state (host side: tests, sims).
import { DeviceError, DeviceNode, Driver } from './tree.js';
import { jsObject } from './jsobject.js';
import type { LuaValue } from '../kernel/vm/values.js';

const PAGE_W = 25, PAGE_H = 21;

export interface PrintedPage { title: string; lines: string[] }
interface PrinterState { ink: number; paper: number; printing: boolean; pages: PrintedPage[] }

export function printerState(node: DeviceNode): PrinterState {
  let s = node.state.get('printer') as PrinterState | undefined;
  if (!s) { s = { ink: 64, paper: 64, printing: false, pages: [] }; node.state.set('printer', s); }
  return s;
}

const text = (v: LuaValue) => (typeof v === 'string' ? v : v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : String(v ?? 'nil'));

export const printerDriver: Driver = {
  name: 'peripheral_printer', type: 'printer',
  properties: ['inkLevel', 'paperLevel'],
  methods: {
    getInkLevel: (n) => [printerState(n).ink],
    getPaperLevel: (n) => [printerState(n).paper],
    page: (n) => {
      const s = printerState(n);
      if (s.printing || s.ink <= 0 || s.paper <= 0) return [undefined];
      s.printing = true; s.ink--; s.paper--;
      const rows = Array.from({ length: PAGE_H }, () => ' '.repeat(PAGE_W));
      let x = 1, y = 1, title = '', open = true;
      const live = () => { if (!open) throw new DeviceError('Page has been closed'); };
      const page = jsObject(n.computer.runtime.L, {
        name: 'page',
        fields: { size: { width: PAGE_W, height: PAGE_H } },
        methods: {
          getCursor: () => [{ x, y }],
          setCursor: (cx, cy) => {
            live();
            if (typeof cx !== 'number' || typeof cy !== 'number') throw new DeviceError('bad argument (number expected)');
            x = Math.floor(cx); y = Math.floor(cy);
          },
          getTitle: () => [title],
          setTitle: (t) => { live(); title = text(t ?? ''); },
          write: (...vals) => {
            live();
            for (const ch of vals.map(text).join('')) {
              if (y >= 1 && y <= PAGE_H && x >= 1 && x <= PAGE_W) rows[y - 1] = rows[y - 1].slice(0, x - 1) + ch + rows[y - 1].slice(x);
              x++;
            }
          },
          close: () => {
            if (!open) return [false];
            open = false; s.printing = false;
            s.pages.push({ title, lines: rows.map((r) => r.trimEnd()) });
            return [true];
          },
        },
      });
      return [page];
    },
  },
};
