// Build step (`npm run build`): compile the Lua that ships with cinder — the
// kernel's own Lua, libsystem and the ROM — into dist/lua-chunks.bin, so a
// starting computer loads functions instead of parsing sources
// (kernel/vm/precompiled.ts says why and how they are found).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { lauxlib } from '../kernel/vm/lua.js';
import { dumpChunk, encodeStore, PRECOMPILED_PATH } from '../kernel/vm/precompiled.js';
import { PROJECT_ROOT, projectPath } from '../kernel/paths.js';

const FOLDERS = ['kernel/lua', 'libsystem', 'rom'];

function luaFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return luaFiles(p);
    return e.isFile() && e.name.endsWith('.lua') ? [p] : [];
  });
}

const L = lauxlib.luaL_newstate();
const entries: { source: Uint8Array; chunk: Uint8Array }[] = [];
const failed: string[] = [];
for (const file of FOLDERS.flatMap((f) => luaFiles(projectPath(f)))) {
  const source = readFileSync(file);
  try {
    entries.push({ source, chunk: dumpChunk(L, source, '=precompiled') });
  } catch (e) {
    // Left to the runtime, which reports the syntax error where the file is loaded.
    failed.push(`${relative(PROJECT_ROOT, file)}: ${(e as Error).message}`);
  }
}
mkdirSync(dirname(PRECOMPILED_PATH), { recursive: true });
writeFileSync(PRECOMPILED_PATH, encodeStore(entries));
for (const f of failed) process.stderr.write(`precompile-lua: not compiled: ${f}\n`);
