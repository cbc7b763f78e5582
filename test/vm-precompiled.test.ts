// The Lua that ships with cinder is compiled at build time (kernel/vm/precompiled.ts);
// loading it must give exactly the functions parsing would, under the same names.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lauxlib, lua, LUA_OK } from '../kernel/vm/lua.js';
import { loadText } from '../kernel/vm/chunks.js';
import {
  decodeStore, dumpChunk, encodeStore, loadPrecompiled, PRECOMPILED_PATH, setPrecompiledStore, sourceDigest,
} from '../kernel/vm/precompiled.js';
import { projectPath } from '../kernel/paths.js';
import { runLua, cleanupTempDirs } from './helpers.js';

afterEach(() => { setPrecompiledStore(null); cleanupTempDirs(); });

function luaFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? luaFiles(p) : e.name.endsWith('.lua') ? [p] : [];
  });
}

const SHIPPED = ['kernel/lua', 'libsystem', 'rom'].flatMap((f) => luaFiles(projectPath(f)));

/** Dump the function on top of L's stack (and pop it). */
function dumpTop(L: unknown): Buffer {
  const parts: Buffer[] = [];
  lua.lua_dump(L, (_L: unknown, b: Uint8Array, n: number) => { parts.push(Buffer.from(b.subarray(0, n))); return 0; }, null, false);
  lua.lua_pop(L, 1);
  return Buffer.concat(parts);
}

/** Run a loaded chunk in a plain state; returns its error message or 'ok'. */
function runTop(L: unknown): string {
  return lua.lua_pcall(L, 0, 0, 0) === LUA_OK ? 'ok' : lua.lua_tojsstring(L, -1);
}

describe('precompiled Lua', () => {
  it('the build compiled every Lua file cinder ships', () => {
    const store = decodeStore(readFileSync(PRECOMPILED_PATH));
    const missing = SHIPPED.filter((f) => !store.has(sourceDigest(readFileSync(f)).toString('base64')));
    expect(SHIPPED.length).toBeGreaterThan(40);
    expect(missing, 'dist/lua-chunks.bin is out of date: run npm run build').toEqual([]);
  });

  it('loading a stored chunk gives the same function as parsing, named as asked', () => {
    const store = decodeStore(readFileSync(PRECOMPILED_PATH));
    const L = lauxlib.luaL_newstate();
    for (const file of SHIPPED) {
      const source = readFileSync(file);
      const name = '@/rom/' + file;
      const chunk = store.get(sourceDigest(source).toString('base64'))!;
      expect(loadPrecompiled(L, chunk, name)).toBe(LUA_OK);
      expect(dumpTop(L)).toEqual(dumpChunk(L, source, name));
    }
  });

  it('errors and tracebacks name the file and line as a parsed chunk would', () => {
    const source = Buffer.from('local t = {}\nlocal function f()\n  return t.x.y\nend\nf()\n');
    const L = lauxlib.luaL_newstate();
    setPrecompiledStore(new Map());
    expect(loadText(L, source, '@/rom/bin/demo.lua')).toBe(LUA_OK);
    const parsed = runTop(L);
    setPrecompiledStore(decodeStore(encodeStore([{ source, chunk: dumpChunk(L, source, '=other') }])));
    const L2 = lauxlib.luaL_newstate();
    expect(loadText(L2, source, '@/rom/bin/demo2.lua')).toBe(LUA_OK);
    expect(parsed).toBe("/rom/bin/demo.lua:3: attempt to index a nil value (field 'x')");
    expect(runTop(L2)).toBe("/rom/bin/demo2.lua:3: attempt to index a nil value (field 'x')");
  });

  it('a damaged stored chunk is ignored and the source parsed', () => {
    const source = Buffer.from('return 6 * 7');
    const good = dumpChunk(lauxlib.luaL_newstate(), source, '=x');
    setPrecompiledStore(new Map([[sourceDigest(source).toString('base64'), good.subarray(0, good.length - 5)]]));
    const L = lauxlib.luaL_newstate();
    expect(loadText(L, source, '=damaged')).toBe(LUA_OK);
    expect(lua.lua_pcall(L, 0, 1, 0)).toBe(LUA_OK);
    expect(lua.lua_tointeger(L, -1)).toBe(42);
  });

  it('a store with a wrong header or a cut-off entry keeps only whole entries', () => {
    const a = { source: Buffer.from('return 1'), chunk: Buffer.from('AAAA') };
    const b = { source: Buffer.from('return 2'), chunk: Buffer.from('BBBBBBBB') };
    const whole = encodeStore([a, b]);
    expect([...decodeStore(whole).values()].map((c) => Buffer.from(c).toString())).toEqual(['AAAA', 'BBBBBBBB']);
    expect([...decodeStore(whole.subarray(0, whole.length - 3)).values()].map((c) => Buffer.from(c).toString())).toEqual(['AAAA']);
    expect(decodeStore(Buffer.from('not a store at all')).size).toBe(0);
  });

  it('user programs cannot load binary chunks, stored or not', async () => {
    const chunk = dumpChunk(lauxlib.luaL_newstate(), Buffer.from('return 1'), '=x');
    const r = await runLua(`
      local f, err = load(${JSON.stringify([...chunk].map((c) => String.fromCharCode(c)).join(''))
        .replace(/\\u00([0-9a-f]{2})/g, (_m, h) => `\\x${h}`)})
      print(f, err)
    `);
    expect(r.stdout).toMatch(/^nil\tattempt to load a binary chunk/);
  });

  it('libsystem functions loaded from stored chunks keep their file name and lines', async () => {
    const src = readFileSync(projectPath('libsystem/network.lua'), 'utf8').split('\n');
    const line = src.findIndex((l) => l.startsWith('function network.urlEncode(')) + 1;
    const r = await runLua(`
      local info = debug.getinfo(require("system.network").urlEncode, "S")
      print(info.source, info.linedefined)
    `);
    expect(r.stdout).toBe(`@/lib/system/network.lua\t${line}\n`);
  });
});
