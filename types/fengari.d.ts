// Minimal typing for the parts of fengari cinder uses. fengari ships no types;
// its API mirrors the Lua C API, so values are typed loosely here and wrapped
// by kernel/vm, which is the only place allowed to touch fengari directly.
declare module 'fengari' {
  export const lua: any;
  export const lauxlib: any;
  export const lualib: any;
  export function to_luastring(s: string, cache?: boolean): Uint8Array;
  export function to_jsstring(u8: Uint8Array, from?: number, to?: number, replacement?: boolean): string;
}
