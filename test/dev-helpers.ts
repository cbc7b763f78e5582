// Helpers for the device, rednet and sim tests (issue 5): start Lua programs
// on several computers of one World, then run the World until they have all
// finished; plus a World with a network and modems in one call.
import { MemorySink, QueueSource } from '../kernel/stdio.js';
import type { Computer } from '../kernel/computer.js';
import type { Process } from '../kernel/process.js';
import type { World } from '../kernel/world.js';
import type { LuaValue } from '../kernel/vm/values.js';
import { newWorld, bootComputer } from './helpers.js';
import { LUA_EQ } from './lua-prelude.js';
import { networkOf, type Network } from '../devices/network.js';
import type { MediumSpec } from '../devices/network.js';
import type { Vec3 } from '../devices/media/medium.js';

export interface Started {
  computer: Computer;
  proc: Process;
  out: MemorySink;
  err: MemorySink;
  done: () => boolean;
  /** stdout text; throws with stderr when the program failed or has not finished. */
  result: () => string;
}

let n = 0;

/** Write `source` to a file on `computer` and spawn it (it runs when the World runs). */
export function start(computer: Computer, source: string, args: LuaValue[] = [], user?: string): Started {
  const path = `/tmp/prog-${n++}.lua`;
  computer.vfs.writeFile({ user: 'root' }, path, source);
  if (user) computer.vfs.chmod({ user: 'root' }, path, null, 'rx');
  return run(computer, path, args, user);
}

/** Spawn the program at `path` (already on the computer, e.g. in /rom/bin). */
export function run(computer: Computer, path: string, args: LuaValue[] = [], user?: string): Started {
  const out = new MemorySink();
  const err = new MemorySink();
  const proc = computer.spawn(path, args, {
    stdin: { kind: 'stream', name: 'stdin', source: new QueueSource('', true) },
    stdout: { kind: 'stream', name: 'stdout', sink: out },
    stderr: { kind: 'stream', name: 'stderr', sink: err },
    user,
    vars: { PATH: '/bin:/usr/bin:/rom/bin', HOME: '/' },
  });
  let finished = false;
  computer.onProcessExit((p) => { if (p === proc) finished = true; });
  return {
    computer, proc, out, err, done: () => finished,
    result: () => {
      if (!finished) throw new Error(`program on computer ${computer.id} did not finish; stdout: ${out.text()} stderr: ${err.text()}`);
      if (proc.completion?.code !== 0 || err.text() !== '') {
        throw new Error(`program on computer ${computer.id} failed (${proc.completion?.code}): ${err.text()}${proc.completion?.error ?? ''}\nstdout: ${out.text()}`);
      }
      return out.text();
    },
  };
}

/** Run the World until every started program has ended (or `forMs` of virtual time). */
export async function runAll(world: World, progs: Started[], forMs = 600_000): Promise<void> {
  await world.run({ until: () => progs.every((p) => p.done()), forMs });
}

export interface NetSetup {
  world: World;
  net: Network;
  c: (id: number) => Computer;
}

/**
 * A World with media and computers: computers[id] = {at?, modems: [[side, medium, ender?]...]}.
 * The trace keeps records in memory when `trace` is set.
 */
export function setupNet(
  media: Record<string, MediumSpec>,
  computers: Record<number, { at?: Vec3; dim?: string; modems?: Array<[string, string, boolean?]> }>,
  seed = 1,
): NetSetup {
  const world = newWorld(seed);
  const net = networkOf(world);
  for (const [name, spec] of Object.entries(media)) net.addMedium(name, spec);
  for (const [idText, spec] of Object.entries(computers)) {
    const id = Number(idText);
    net.setPlace(id, spec.at ?? [0, 0, 0], spec.dim);
    for (const [side, medium, ender] of spec.modems ?? []) net.addHardware(id, { side, type: 'modem', args: [medium, { ender: !!ender }] });
    bootComputer(world, id);
  }
  return { world, net, c: (id) => world.computers.get(id)! };
}

/** Lua assertion helpers prepended to test programs; fails here also accepts the text itself. */
export const LUA_PRE = LUA_EQ + `
local util = require "system.util"
local sys = util.syscall
local function fails(pattern, f, ...)
  local ok, err = pcall(f, ...)
  if ok then error("expected an error matching '" .. pattern .. "'", 2) end
  if not tostring(err):find(pattern, 1, true) and not tostring(err):find(pattern) then
    error("error '" .. tostring(err) .. "' does not match '" .. pattern .. "'", 2)
  end
end
local function pull(name)
  while true do
    local ev, p = coroutine.yield()
    if ev == name then return p end
  end
end
`;
