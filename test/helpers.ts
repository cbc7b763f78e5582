// Run Lua programs in headless cinder computers from tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { World, RunResult } from '../kernel/world.js';
import { MemorySink, QueueSource } from '../kernel/stdio.js';
import type { Computer } from '../kernel/computer.js';
import type { Process, Completion } from '../kernel/process.js';
import type { LuaValue } from '../kernel/vm/values.js';

export interface RunLuaOptions {
  args?: LuaValue[];
  /** Text on stdin (ended after it), or a QueueSource the test feeds. */
  stdin?: string | QueueSource;
  /** Stop after this much (virtual) time, in ms. Default 10 minutes of virtual time. */
  forMs?: number;
  seed?: number;
  /** Reuse a world (several programs or computers). */
  world?: World;
  computerId?: number;
  /** Path inside the computer to store the program at. */
  path?: string;
  user?: string;
  kernargs?: Record<string, string>;
}

export interface RunLuaResult {
  stdout: string;
  stderr: string;
  code: number | null;
  completion: Completion | null;
  result: RunResult;
  computer: Computer;
  world: World;
  process: Process;
}

const dirs: string[] = [];

export function tempDataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'cinder-test-'));
  dirs.push(d);
  return d;
}

export function cleanupTempDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

export function newWorld(seed = 0): World {
  return new World({ dataDir: tempDataDir(), seed, clock: 'virtual' });
}

export function bootComputer(world: World, id = 0, kernargs: Record<string, string> = { headless: 'true' }): Computer {
  return world.computers.get(id) ?? world.addComputer({ id, kernargs });
}

/** Run `source` as a program in a headless computer on a virtual clock. */
export async function runLua(source: string, opts: RunLuaOptions = {}): Promise<RunLuaResult> {
  const world = opts.world ?? newWorld(opts.seed);
  const computer = bootComputer(world, opts.computerId ?? 0, opts.kernargs);
  const path = opts.path ?? `/tmp/test-${Math.floor(computer.clock.now())}-${computer.nextPid}.lua`;
  computer.vfs.writeFile({ user: 'root' }, path, source);
  if (opts.user) computer.vfs.chmod({ user: 'root' }, path, null, 'rx');
  const out = new MemorySink();
  const err = new MemorySink();
  const stdin = typeof opts.stdin === 'string' ? new QueueSource(opts.stdin, true) : opts.stdin ?? new QueueSource('', true);
  const proc = computer.spawn(path, opts.args ?? [], {
    stdin: { kind: 'stream', name: 'stdin', source: stdin },
    stdout: { kind: 'stream', name: 'stdout', sink: out },
    stderr: { kind: 'stream', name: 'stderr', sink: err },
    user: opts.user,
    vars: { PATH: '/bin:/usr/bin:/rom/bin', HOME: '/' },
  });
  let done = false;
  const off = computer.onProcessExit((p) => { if (p === proc) done = true; });
  const result = await world.run({ until: () => done, forMs: opts.forMs ?? 600_000 });
  off();
  return {
    stdout: out.text(), stderr: err.text(), code: proc.completion?.code ?? null, completion: proc.completion,
    result, computer, world, process: proc,
  };
}

export interface TTYSession {
  world: World;
  computer: Computer;
  process: Process;
  /** Let the computer run until nothing more happens (bounded). */
  settle(ms?: number): Promise<void>;
  /** Type text on the terminal (key, char, key_up per character; '\n' is Enter). */
  type(text: string): Promise<void>;
  /** Press one key with modifiers (Phoenix keycode; see kernel/tty/keys.ts KEY). */
  press(code: number, mods?: { ctrl?: boolean; alt?: boolean; shift?: boolean }): Promise<void>;
  /** The visible screen as text (trailing spaces trimmed). */
  text(): string;
  readonly exited: boolean;
}

/** Run a program (source, or a path inside the computer) on virtual terminal 1 of a headless computer. */
export async function startOnTTY(program: string, opts: { args?: LuaValue[]; isPath?: boolean; world?: World; size?: { width: number; height: number } } = {}): Promise<TTYSession> {
  const world = opts.world ?? newWorld();
  const computer = world.computers.get(0) ?? world.addComputer({ id: 0, kernargs: { headless: 'true' }, termSize: opts.size });
  let path = program;
  if (!opts.isPath) {
    path = `/tmp/tty-${computer.nextPid}.lua`;
    computer.vfs.writeFile({ user: 'root' }, path, program);
  }
  const tty = computer.consoles.get(1);
  const stdio = { kind: 'tty' as const, tty };
  const proc = computer.spawn(path, opts.args ?? [], { stdin: stdio, stdout: stdio, stderr: stdio, vars: { PATH: '/bin:/usr/bin:/rom/bin', HOME: '/' } });
  computer.attachForeground(proc, tty);
  let exited = false;
  computer.onProcessExit((p) => { if (p === proc) exited = true; });
  const settle = async (ms = 1000) => { await world.run({ forMs: ms, until: () => false }); };
  await settle();
  return {
    world, computer, process: proc, settle,
    type: async (text) => { computer.consoles.type(text, 1); await settle(); },
    press: async (code, mods) => { computer.consoles.press(code, mods ?? {}, 1); await settle(); },
    text: () => tty.visible.text(),
    get exited() { return exited; },
  };
}

/** Fail fast (in real time) when a run hangs instead of waiting for vitest's timeout. */
export function deadline<T>(p: Promise<T>, ms = 5000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still running after ${ms} ms of real time (hang)`)), ms);
    timer.unref();
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}
