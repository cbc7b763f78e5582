// Helpers for the shell and program tests: run `sh -c` in a headless
// computer, or the interactive shell on a headless terminal.
import { runLua, startOnTTY, RunLuaOptions, RunLuaResult, TTYSession } from './helpers.js';

/** Run `script` with /rom/bin/sh.lua -c (extra args become $0, $1...). */
export async function sh(script: string, opts: RunLuaOptions & { shArgs?: string[] } = {}): Promise<RunLuaResult> {
  const args = ['-c', script, ...(opts.shArgs ?? [])];
  return runLua(`
    local ok, err = coroutine.yield("syscall", "exec", "/rom/bin/sh.lua", ...)
    io.stderr:write("exec failed: " .. tostring(err) .. "\\n")
    os.exit(99)
  `, { ...opts, args });
}

/** Run a shell script and expect status 0 and no stderr; returns stdout. */
export async function shOk(script: string, opts: RunLuaOptions & { shArgs?: string[] } = {}): Promise<string> {
  const r = await sh(script, opts);
  if (r.code !== 0 || r.stderr !== '') {
    throw new Error(`sh exited ${r.code}\nstderr: ${r.stderr}\nstdout: ${r.stdout}`);
  }
  return r.stdout;
}

/** The interactive shell on tty1 of a headless computer. */
export async function shellOnTTY(size?: { width: number; height: number }): Promise<TTYSession> {
  return startOnTTY('/rom/bin/sh.lua', { isPath: true, size });
}

/** Lines of the screen without the trailing empty ones. */
export function screenLines(s: TTYSession): string[] {
  const lines = s.text().split('\n');
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export const CTRL = { ctrl: true } as const;
export const K = {
  enter: 0x0a, backspace: 0x08, tab: 0x09, delete: 0x7f, up: 0xc0, down: 0xc1, left: 0xc2, right: 0xc3,
  pageUp: 0xc4, pageDown: 0xc5, home: 0xc6, end: 0xc7,
  a: 0x61, c: 0x63, d: 0x64, e: 0x65, g: 0x67, k: 0x6b, l: 0x6c, q: 0x71, s: 0x73, u: 0x75, w: 0x77, z: 0x7a,
} as const;
