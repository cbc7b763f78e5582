// Lua objects whose methods are implemented in JS (printer pages, rednet
// handles): each method gets its arguments as JS values (self excluded when
// called with `:`) and returns JS values; a thrown Error becomes a Lua error
// with its message. The object carries a metatable `__name`, as Phoenix's
// handles do, and is built fresh for the Lua state that asked for it.
import { lua, LuaRef, LuaState, pushString, refAt, to_luastring } from '../kernel/vm/lua.js';
import { fromLua, LuaValue, pushLua } from '../kernel/vm/values.js';

export type JsMethod = (...args: LuaValue[]) => LuaValue[] | void;

export interface JsObjectSpec {
  name: string;
  fields?: Record<string, LuaValue>;
  methods: Record<string, JsMethod>;
}

/** Build the object in state L (a computer's main state) and return a reference that any of its threads can receive. */
export function jsObject(L: LuaState, spec: JsObjectSpec): LuaRef {
  pushObject(L, spec);
  const ref = refAt(L, -1);
  lua.lua_pop(L, 1);
  return ref;
}

export function pushObject(L: LuaState, spec: JsObjectSpec): void {
  lua.lua_newtable(L);
  const t = lua.lua_gettop(L);
  for (const [k, v] of Object.entries(spec.fields ?? {})) { pushLua(L, v); lua.lua_setfield(L, t, to_luastring(k)); }
  for (const [k, fn] of Object.entries(spec.methods)) {
    lua.lua_pushvalue(L, t);
    lua.lua_pushjsclosure(L, (L2: LuaState) => callMethod(L2, fn), 1);
    lua.lua_setfield(L, t, to_luastring(k));
  }
  lua.lua_newtable(L);
  pushString(L, spec.name);
  lua.lua_setfield(L, -2, to_luastring('__name'));
  lua.lua_setmetatable(L, t);
}

function callMethod(L: LuaState, fn: JsMethod): number {
  const n = lua.lua_gettop(L);
  // Method syntax passes the object itself first; drop it.
  const first = n >= 1 && lua.lua_rawequal(L, 1, lua.lua_upvalueindex(1)) ? 2 : 1;
  const args: LuaValue[] = [];
  for (let i = first; i <= n; i++) args.push(fromLua(L, i));
  let out: LuaValue[] | void;
  try {
    out = fn(...args);
  } catch (e) {
    pushString(L, e instanceof Error ? e.message : String(e));
    return lua.lua_error(L);
  }
  const vals = out ?? [];
  lua.lua_settop(L, 0);
  for (const v of vals) pushLua(L, v);
  return vals.length;
}
