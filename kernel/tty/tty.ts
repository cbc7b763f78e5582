// A TTY (reference/phoenix.md §1.11): a standard-mode screen fed by an ANSI
// stream, an optional exclusive screen (openterm), the cooked line
// discipline, termctl flags, and keyboard routing to the frontmost process
// (or the process that captured the TTY).
import { Screen } from './screen.js';
import { AnsiWriter } from './ansi.js';
import { COLOR } from './palette.js';
import { KEY } from './keys.js';
import type { Process } from '../process.js';
import type { LuaRef } from '../vm/lua.js';

export type KeyInput =
  | { type: 'char'; ch: string }
  | { type: 'key'; code: number; repeat?: boolean; ctrl?: boolean; alt?: boolean; shift?: boolean }
  | { type: 'key_up'; code: number; ctrl?: boolean; alt?: boolean; shift?: boolean }
  | { type: 'paste'; text: string };

export interface TtyFlags { cbreak: boolean; delay: boolean; echo: boolean; keypad: boolean; raw: boolean; nlcr: boolean }

interface Reader { kind: 'line' | 'count'; n: number; owner: Process | null; resolve: (v: Uint8Array | null) => void }

export interface Exclusive { owner: Process; screen: Screen; handle: LuaRef | null }

export const SIGINT = 2, SIGQUIT = 3, SIGSTOP = 19;
/** With the keypad flag (in cbreak mode), special keys reach read() as the usual VT sequences. */
const KEYPAD_SEQUENCES: Record<number, string> = {
  [KEY.up]: '\x1b[A', [KEY.down]: '\x1b[B', [KEY.right]: '\x1b[C', [KEY.left]: '\x1b[D',
  [KEY.home]: '\x1b[H', [KEY.end]: '\x1b[F', [KEY.insert]: '\x1b[2~', [KEY.delete]: '\x1b[3~',
  [KEY.pageUp]: '\x1b[5~', [KEY.pageDown]: '\x1b[6~',
};

/** Most bytes kept in the line-discipline buffers; input beyond is dropped. */
const INPUT_LIMIT = 64 * 1024;

export class Tty {
  readonly screen: Screen;
  readonly writer: AnsiWriter;
  exclusive: Exclusive | null = null;
  flags: TtyFlags = { cbreak: false, delay: true, echo: true, keypad: false, raw: false, nlcr: true };
  /** Processes that own the keyboard, most recent last. */
  readonly foreground: Process[] = [];
  capturer: Process | null = null;
  private line: number[] = [];
  private ready: Buffer = Buffer.alloc(0);
  private eofPending = false;
  private readers: Reader[] = [];
  /** Processes that read this terminal: their typeahead is kept by the line discipline
   * (programs that only listen for key events get the events instead). */
  private readonly readersSeen = new WeakSet<Process>();
  /** Keys the line discipline consumed: their key_up is not delivered either. */
  private readonly consumed = new Set<number>();
  /** Called whenever what is visible changes (renderer). */
  onChange: (() => void) | null = null;

  constructor(readonly number: number, width: number, height: number) {
    this.screen = new Screen(width, height);
    this.screen.bg = COLOR.black;
    this.screen.fg = COLOR.white;
    this.screen.clear();
    this.writer = new AnsiWriter(this.screen);
  }

  /** The screen being shown: the exclusive one while a Terminal is open. */
  get visible(): Screen { return this.exclusive?.screen ?? this.screen; }
  get width(): number { return this.screen.width; }
  get height(): number { return this.screen.height; }

  changed(): void { this.onChange?.(); }

  // ---- output ----

  write(data: Uint8Array): void {
    this.writer.nlcr = this.flags.nlcr;
    this.writer.write(data);
    this.changed();
  }

  /** stderr output: red unless the program chose colours itself. */
  writeErr(data: Uint8Array): void {
    const s = this.screen;
    const fg = s.fg;
    s.fg = COLOR.red;
    this.writer.nlcr = this.flags.nlcr;
    this.writer.write(data);
    s.fg = fg;
    this.changed();
  }

  // ---- input: reads ----

  read(n: number, owner: Process | null = null): Promise<Uint8Array | null> { return this.enqueue({ kind: 'count', n: Math.max(1, n), owner }); }
  readLine(owner: Process | null = null): Promise<Uint8Array | null> { return this.enqueue({ kind: 'line', n: 0, owner }); }

  get readerWaiting(): boolean { this.dropDeadReaders(); return this.readers.length > 0; }

  private dropDeadReaders(): void {
    this.readers = this.readers.filter((r) => { if (r.owner && !r.owner.alive) { r.resolve(null); return false; } return true; });
  }

  private enqueue(r: Omit<Reader, 'resolve'>): Promise<Uint8Array | null> {
    if (r.owner) this.readersSeen.add(r.owner);
    return new Promise((resolve) => {
      this.readers.push({ ...r, resolve });
      this.serve();
      // Without `delay`, a read does not wait: it gets what is there (an empty string if nothing).
      if (!this.flags.delay) {
        const i = this.readers.findIndex((x) => x.resolve === resolve);
        if (i >= 0) { this.readers.splice(i, 1); resolve(new Uint8Array(0)); }
      }
    });
  }

  private serve(): void {
    this.dropDeadReaders();
    while (this.readers.length) {
      const r = this.readers[0];
      if (r.kind === 'line') {
        const nl = this.ready.indexOf(10);
        if (nl >= 0) {
          const out = this.ready.subarray(0, nl);
          this.ready = this.ready.subarray(nl + 1);
          this.readers.shift(); r.resolve(out); continue;
        }
      } else if (this.ready.length) {
        const out = this.ready.subarray(0, r.n);
        this.ready = this.ready.subarray(out.length);
        this.readers.shift(); r.resolve(out); continue;
      }
      if (this.eofPending) {
        this.eofPending = false;
        const rest = this.ready; this.ready = Buffer.alloc(0);
        this.readers.shift(); r.resolve(rest.length ? rest : null); continue;
      }
      return;
    }
  }

  /** Drop the pending reads of a process that ended (they resolve as EOF). */
  cancelReads(): void {
    for (const r of this.readers.splice(0)) r.resolve(null);
  }

  // ---- input: keyboard ----

  /** Where keyboard events go: the capturer, else the frontmost running process. */
  frontmost(): Process | null {
    if (this.capturer?.alive) return this.capturer;
    this.capturer = null;
    for (let i = this.foreground.length - 1; i >= 0; i--) {
      const p = this.foreground[i];
      if (!p.alive) { this.foreground.splice(i, 1); continue; }
      if (!p.paused) return p;
    }
    return null;
  }

  pushForeground(p: Process): void {
    if (!this.foreground.includes(p)) this.foreground.push(p);
  }

  removeProcess(p: Process): void {
    const i = this.foreground.indexOf(p);
    if (i >= 0) this.foreground.splice(i, 1);
    if (this.capturer === p) this.capturer = null;
    if (this.exclusive?.owner === p) this.closeExclusive();
  }

  closeExclusive(): void {
    if (!this.exclusive) return;
    this.exclusive = null;
    for (let y = 0; y < this.screen.height; y++) this.screen.dirty.add(y);
    this.screen.version++;
    this.changed();
  }

  input(ev: KeyInput, signal: (p: Process, sig: number) => void): void {
    const fg = this.frontmost();
    const cooked = !this.flags.raw && !this.capturer;
    if (cooked && ev.type === 'key' && ev.ctrl && !ev.alt) {
      const sig = ev.code === KEY.c ? SIGINT : ev.code === KEY.backslash ? SIGQUIT : ev.code === KEY.z ? SIGSTOP : 0;
      if (sig) {
        this.echo(sig === SIGINT ? '^C\n' : sig === SIGQUIT ? '^\\\n' : '^Z\n');
        this.line = [];
        if (fg) signal(fg, sig);
        return;
      }
      if (ev.code === KEY.d) { this.endOfInput(); return; }
      if (ev.code === KEY.l) { this.screen.clear(); this.screen.setCursor(0, 0); this.changed(); return; }
    }
    if (ev.type === 'key_up' && this.consumed.delete(ev.code)) return;
    if (cooked && (this.readerWaiting || (fg !== null && this.readersSeen.has(fg)))) {
      if (ev.type === 'key') this.consumed.add(ev.code);
      this.discipline(ev);
      return;
    }
    if (!fg) return;
    switch (ev.type) {
      case 'char': fg.queueEvent('char', { character: ev.ch }); break;
      case 'key': fg.queueEvent('key', { keycode: ev.code, isRepeat: !!ev.repeat, ctrlHeld: !!ev.ctrl, altHeld: !!ev.alt, shiftHeld: !!ev.shift }); break;
      case 'key_up': fg.queueEvent('key_up', { keycode: ev.code, ctrlHeld: !!ev.ctrl, altHeld: !!ev.alt, shiftHeld: !!ev.shift }); break;
      case 'paste': fg.queueEvent('paste', { text: ev.text }); break;
    }
  }

  private endOfInput(): void {
    if (this.line.length) this.commit(false);
    else { this.eofPending = true; this.serve(); }
  }

  private echo(text: string): void {
    if (!this.flags.echo) return;
    this.write(Buffer.from(text, 'latin1'));
  }

  // The cooked line discipline, while some process waits in read/readline.
  private discipline(ev: KeyInput): void {
    if (ev.type === 'char' || ev.type === 'paste') {
      const text = ev.type === 'char' ? ev.ch : ev.text;
      const bytes = Buffer.from(text, 'utf8');
      if (this.flags.cbreak) { this.append(bytes); this.echo(text); this.serve(); return; }
      for (const b of bytes) {
        if (b === 10 || b === 13) { this.commit(true); continue; }
        if (this.line.length < INPUT_LIMIT) { this.line.push(b); this.echoBytes(Uint8Array.of(b)); }
      }
      return;
    }
    if (ev.type !== 'key') return;
    const seq = this.flags.keypad && this.flags.cbreak ? KEYPAD_SEQUENCES[ev.code] : undefined;
    if (seq) { this.append(Buffer.from(seq, 'latin1')); this.serve(); return; }
    if (ev.code === KEY.enter || ev.code === KEY.numPadEnter) {
      if (this.flags.cbreak) { this.append(Buffer.from('\n')); this.echo('\n'); this.serve(); return; }
      this.commit(true);
    } else if (ev.code === KEY.backspace && !this.flags.cbreak) {
      if (this.line.length) {
        // Remove a whole UTF-8 sequence.
        let n = 1;
        while (n < this.line.length && (this.line[this.line.length - n] & 0xc0) === 0x80) n++;
        this.line.splice(this.line.length - n, n);
        this.echo('\b \b');
      }
    } else if (ev.code === KEY.tab) {
      if (this.flags.cbreak) { this.append(Buffer.from('\t')); this.serve(); } else this.line.push(9);
    }
  }

  private echoBytes(b: Uint8Array): void { if (this.flags.echo) this.write(b); }

  private commit(newline: boolean): void {
    const data = Buffer.from(this.line);
    this.line = [];
    if (newline) this.echo('\n');
    this.append(newline ? Buffer.concat([data, Buffer.from('\n')]) : data);
    if (!newline) this.eofPending = true;
    this.serve();
  }

  private append(b: Uint8Array): void {
    if (this.ready.length + b.length > INPUT_LIMIT) return;
    this.ready = Buffer.concat([this.ready, b]);
  }

  resize(width: number, height: number): void {
    this.screen.resize(width, height);
    this.exclusive?.screen.resize(width, height);
    if (this.screen.cursorY >= height) this.screen.cursorY = height - 1;
    const fg = this.frontmost();
    fg?.queueEvent('term_resize', { width, height });
    this.changed();
  }
}
