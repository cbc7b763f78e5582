// The native column: Debian's `lua5.3` (PUC-Rio 5.3), one fresh interpreter
// per run; a small driver times load + run of the same chunk with os.clock.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DRIVER = `
local path = ...
local t0 = os.clock()
local f = assert(loadfile(path, "t"))
local r = f()
local ms = (os.clock() - t0) * 1000
io.write(string.format("%.3f", ms), "\\t", tostring(r), "\\n")
`;

export const NATIVE_LUA = process.env.BENCH_LUA ?? 'lua5.3';

/** The `lua5.3` version line, or null when it is not installed. */
export function nativeVersion(): string | null {
  const r = spawnSync(NATIVE_LUA, ['-v'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return null;
  return (r.stdout || r.stderr).trim();
}

export class NativeRunner {
  private dir = mkdtempSync(join(tmpdir(), 'cinder-bench-native-'));
  private driver = join(this.dir, 'driver.lua');
  private n = 0;
  constructor() { writeFileSync(this.driver, DRIVER); }

  /** Both numbers are os.clock() CPU time of the interpreter (load + run). */
  run(source: string): { ms: number; cpu: number; result: string } {
    const file = join(this.dir, `case${this.n++}.lua`);
    writeFileSync(file, source);
    const r = spawnSync(NATIVE_LUA, [this.driver, file], { encoding: 'utf8' });
    if (r.error || r.status !== 0) throw new Error(`${NATIVE_LUA}: ${r.error?.message ?? r.stderr}`);
    const [ms, result] = r.stdout.trim().split('\t');
    return { ms: Number(ms), cpu: Number(ms), result };
  }

  dispose(): void { rmSync(this.dir, { recursive: true, force: true }); }
}
