// Lua sources compiled at build time. fengari's parser runs with a cold JIT
// when a host process starts, so parsing the kernel prelude, init and the
// libsystem modules was most of the time `cinder run` spent booting; loading
// the same functions from fengari's binary chunk format is several times
// faster. Entries are keyed by the SHA-1 of the source text, so an edited
// source is simply not found and is parsed as before: nothing can go stale.
//
// File format: MAGIC, then per entry 20 bytes of SHA-1, a u32 (LE) length and
// the chunk as lua_dump writes it (debug information kept, for line numbers).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { lauxlib, lua, LuaState, LUA_OK, newLuaString, to_luastring } from './lua.js';
import { projectPath } from '../paths.js';

const MAGIC = Buffer.from('cinder-luac-1\n');
/** Where `npm run build` writes the store (tools/precompile-lua.ts). */
export const PRECOMPILED_PATH = projectPath('dist/lua-chunks.bin');

export function sourceDigest(bytes: Uint8Array): Buffer {
  return createHash('sha1').update(bytes).digest();
}

/** Compile `source` and return its binary chunk; throws with the syntax error. */
export function dumpChunk(L: LuaState, source: Uint8Array, chunkname: string): Buffer {
  if (lauxlib.luaL_loadbufferx(L, source, source.length, to_luastring(chunkname), to_luastring('t')) !== LUA_OK) {
    const msg = lua.lua_tojsstring(L, -1);
    lua.lua_pop(L, 1);
    throw new Error(msg);
  }
  const parts: Buffer[] = [];
  lua.lua_dump(L, (_L: LuaState, b: Uint8Array, size: number) => { parts.push(Buffer.from(b.subarray(0, size))); return 0; }, null, false);
  lua.lua_pop(L, 1);
  return Buffer.concat(parts);
}

/** The store's bytes for the given sources. */
export function encodeStore(entries: { source: Uint8Array; chunk: Uint8Array }[]): Buffer {
  const out: Buffer[] = [MAGIC];
  for (const e of entries) {
    const len = Buffer.alloc(4);
    len.writeUInt32LE(e.chunk.length);
    out.push(sourceDigest(e.source), len, Buffer.from(e.chunk));
  }
  return Buffer.concat(out);
}

/** Parse a store; a malformed one gives what could be read before the fault. */
export function decodeStore(buf: Buffer): Map<string, Uint8Array> {
  const map = new Map<string, Uint8Array>();
  if (buf.length < MAGIC.length || !buf.subarray(0, MAGIC.length).equals(MAGIC)) return map;
  let at = MAGIC.length;
  while (at + 24 <= buf.length) {
    const key = buf.toString('base64', at, at + 20);
    const len = buf.readUInt32LE(at + 20);
    at += 24;
    if (at + len > buf.length) break;
    map.set(key, buf.subarray(at, at + len));
    at += len;
  }
  return map;
}

let store: Map<string, Uint8Array> | null = null;

/** The precompiled chunk for a source digest (base64), if the build made one. */
export function precompiledChunk(digest: string): Uint8Array | undefined {
  if (!store) {
    try {
      store = existsSync(PRECOMPILED_PATH) ? decodeStore(readFileSync(PRECOMPILED_PATH)) : new Map();
    } catch {
      store = new Map(); // unreadable: everything is parsed from source, as without a build
    }
  }
  return store.get(digest);
}

/** Test hook: forget the loaded store, or replace it. */
export function setPrecompiledStore(m: Map<string, Uint8Array> | null): void { store = m; }

/**
 * Push the function of a binary chunk, named `chunkname` as if its source had
 * been parsed under that name (tracebacks and error positions). LUA_OK, or the
 * error status with a message pushed.
 */
export function loadPrecompiled(L: LuaState, chunk: Uint8Array, chunkname: string): number {
  const status = lauxlib.luaL_loadbufferx(L, chunk, chunk.length, to_luastring(chunkname), to_luastring('b'));
  if (status !== LUA_OK) return status;
  const source = newLuaString(L, chunkname);
  const rename = (p: { source: unknown; p: unknown[] }): void => {
    p.source = source;
    for (const child of p.p) rename(child as typeof p);
  };
  rename(L.stack[L.top - 1].value.p);
  return LUA_OK;
}
