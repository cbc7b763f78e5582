// `cinder boot`: one computer in this terminal, with a keyboard, until it
// shuts down. The host terminal is always restored: on shutdown, on the quit
// chord (Ctrl+Alt+Q), on SIGINT/SIGTERM/SIGHUP and on a crash.
import { parseArgs } from 'node:util';
import { World } from '../kernel/world.js';
import type { Computer } from '../kernel/computer.js';
import { defaultDataDir } from './datadir.js';
import { Renderer } from './term/renderer.js';
import { KeyboardParser } from './term/keyboard.js';

export const BOOT_HELP = `Usage: cinder boot [options]

Boots a computer in this terminal and runs it until it shuts down. Its files
persist in DATA/computers/ID/ across boots.

Keys: Ctrl+Shift+F1…F8 switch virtual terminals; Ctrl+C, Ctrl+Z, Ctrl+D and
Ctrl+\\ act on the program in front; Ctrl+Alt+Q quits cinder at once.

Options:
  --id N         computer ID (default 0)
  --data DIR     data folder (default: ${defaultDataDir()})
  --size WxH     terminal size in characters (default 51x19)
  --seed N       seed for the computer's random numbers (default 0)
  -h, --help     show this help
`;

const KITTY_FLAGS = 1 | 2 | 8 | 16; // disambiguate, event types, all keys as codes, key text

export function parseSize(text: string): { width: number; height: number } | null {
  const m = /^(\d{1,4})x(\d{1,4})$/i.exec(text);
  if (!m) return null;
  const width = Number(m[1]), height = Number(m[2]);
  if (width < 10 || height < 5 || width > 500 || height > 200) return null;
  return { width, height };
}

export async function bootCommand(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { id: { type: 'string' }, data: { type: 'string' }, size: { type: 'string' }, seed: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true, allowPositionals: false,
    }));
  } catch (e) {
    process.stderr.write(`cinder boot: ${(e as Error).message}\n\n${BOOT_HELP}`);
    return 2;
  }
  if (values.help) { process.stdout.write(BOOT_HELP); return 0; }
  const id = values.id === undefined ? 0 : Number(values.id);
  if (!Number.isInteger(id) || id < 0 || id > 65535) { process.stderr.write(`cinder boot: --id must be an integer from 0 to 65535, got '${values.id}'\n`); return 2; }
  const size = values.size === undefined ? { width: 51, height: 19 } : parseSize(values.size);
  if (!size) { process.stderr.write(`cinder boot: --size must look like 51x19 (10x5 to 500x200), got '${values.size}'\n`); return 2; }
  const seed = values.seed === undefined ? 0 : Number(values.seed);
  if (!Number.isFinite(seed)) { process.stderr.write(`cinder boot: --seed must be a number, got '${values.seed}'\n`); return 2; }
  const stdin = process.stdin, stdout = process.stdout;
  if (!stdin.isTTY || !stdout.isTTY) {
    process.stderr.write('cinder boot: needs an interactive terminal (use `cinder run FILE.lua` for scripts)\n');
    return 2;
  }

  const world = new World({ dataDir: values.data ?? defaultDataDir(), seed, clock: 'real' });
  const trueColor = /truecolor|24bit/i.test(process.env.COLORTERM ?? '');
  const renderer = new Renderer({ write: (s) => { stdout.write(s); }, get columns() { return stdout.columns || 80; }, get rows() { return stdout.rows || 24; } }, trueColor);
  const keyboard = new KeyboardParser(false);
  let computer!: Computer;
  let quit = false;
  let drawTimer: NodeJS.Timeout | null = null;
  const draw = () => { drawTimer = null; renderer.draw(computer.consoles.visible.visible); };
  const scheduleDraw = () => { if (!drawTimer) drawTimer = setTimeout(draw, 8); };

  const restore = () => {
    try {
      stdout.write('\x1b[<u');
      renderer.stop();
      if (stdin.isTTY) stdin.setRawMode(false);
      stdin.pause();
    } catch { /* the terminal may already be gone */ }
  };
  const onSignal = () => { quit = true; world.wake(); };
  const onCrash = (e: unknown) => { restore(); process.stderr.write(`cinder: internal error: ${e instanceof Error ? e.stack : String(e)}\n`); process.exit(70); };
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  process.on('SIGINT', onSignal);
  process.on('uncaughtException', onCrash);
  process.on('exit', restore);

  // Every boot of the computer (the first, and each reboot) gets the screen and keyboard.
  world.onBooted((c) => {
    if (c.id !== id) return;
    computer = c;
    c.consoles.onRedraw = scheduleDraw;
    renderer.invalidate();
    scheduleDraw();
  });

  stdin.setRawMode(true);
  stdin.resume();
  renderer.start();
  stdout.write(`\x1b[>${KITTY_FLAGS}u\x1b[?u`);
  stdin.on('data', (d: Buffer) => {
    for (const a of keyboard.feed(d)) {
      if (a.type === 'quit') { quit = true; world.wake(); return; }
      computer.consoles.input(a);
    }
  });
  stdout.on('resize', () => { renderer.invalidate(); scheduleDraw(); });

  let code = 0;
  try {
    world.addComputer({ id, termSize: size });
    for (;;) {
      await world.run({ keepAlive: true, until: () => quit || computer.halted !== null });
      if (quit) { computer.shutdown('quit'); break; }
      if (computer.halted === 'reboot') { world.restart(id); continue; }
      if (computer.halted?.startsWith('panic')) code = 1;
      break;
    }
  } finally {
    if (drawTimer) clearTimeout(drawTimer);
    restore();
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    process.off('SIGINT', onSignal);
    process.off('uncaughtException', onCrash);
    process.off('exit', restore);
  }
  if (code) process.stderr.write(`cinder: ${computer!.halted}\n`);
  return code;
}
