// os.date for user programs: strftime in UTC from the computer's clock (never
// the host's time zone), so output is the same on every machine and in
// simulations. Lua: os.date([format [, time]]); "*t" gives a table.
import { lauxlib, lua, LuaState, pushString, stringAt, to_luastring } from './vm/lua.js';
import { pushLua } from './vm/values.js';

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const pad = (n: number, w = 2, c = '0') => String(n).padStart(w, c);

function yday(d: Date): number {
  return Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86400000) + 1;
}

function conv(d: Date, c: string): string | null {
  switch (c) {
    case 'a': return DAYS[d.getUTCDay()].slice(0, 3);
    case 'A': return DAYS[d.getUTCDay()];
    case 'b': case 'h': return MONTHS[d.getUTCMonth()].slice(0, 3);
    case 'B': return MONTHS[d.getUTCMonth()];
    case 'c': return `${conv(d, 'a')} ${conv(d, 'b')} ${pad(d.getUTCDate(), 2, ' ')} ${conv(d, 'X')} ${d.getUTCFullYear()}`;
    case 'C': return pad(Math.floor(d.getUTCFullYear() / 100));
    case 'd': return pad(d.getUTCDate());
    case 'D': return `${conv(d, 'm')}/${conv(d, 'd')}/${conv(d, 'y')}`;
    case 'e': return pad(d.getUTCDate(), 2, ' ');
    case 'F': return `${d.getUTCFullYear()}-${conv(d, 'm')}-${conv(d, 'd')}`;
    case 'H': return pad(d.getUTCHours());
    case 'I': return pad(((d.getUTCHours() + 11) % 12) + 1);
    case 'j': return pad(yday(d), 3);
    case 'm': return pad(d.getUTCMonth() + 1);
    case 'M': return pad(d.getUTCMinutes());
    case 'n': return '\n';
    case 'p': return d.getUTCHours() < 12 ? 'AM' : 'PM';
    case 'R': return `${conv(d, 'H')}:${conv(d, 'M')}`;
    case 'S': return pad(d.getUTCSeconds());
    case 's': return String(Math.floor(d.getTime() / 1000));
    case 't': return '\t';
    case 'T': case 'X': return `${conv(d, 'H')}:${conv(d, 'M')}:${conv(d, 'S')}`;
    case 'u': return String(d.getUTCDay() || 7);
    case 'w': return String(d.getUTCDay());
    case 'x': return conv(d, 'D');
    case 'y': return pad(d.getUTCFullYear() % 100);
    case 'Y': return String(d.getUTCFullYear());
    case 'z': return '+0000';
    case 'Z': return 'UTC';
    case '%': return '%';
    default: return null;
  }
}

export function osDate(L: LuaState, nowMs: number): number {
  let fmt = lua.lua_isnoneornil(L, 1) ? '%c' : stringAt(L, 1);
  const t = lua.lua_isnoneornil(L, 2) ? Math.floor(nowMs / 1000) : lauxlib.luaL_checknumber(L, 2);
  if (fmt.startsWith('!')) fmt = fmt.slice(1);
  const d = new Date(Math.floor(t) * 1000);
  if (Number.isNaN(d.getTime())) return lauxlib.luaL_argerror(L, 2, to_luastring('time out-of-bounds'));
  if (fmt.startsWith('*t')) {
    pushLua(L, {
      year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(),
      min: d.getUTCMinutes(), sec: d.getUTCSeconds(), wday: d.getUTCDay() + 1, yday: yday(d), isdst: false,
    });
    return 1;
  }
  let out = '';
  for (let i = 0; i < fmt.length; i++) {
    if (fmt[i] !== '%') { out += fmt[i]; continue; }
    const c = fmt[++i];
    const r = c === undefined ? null : conv(d, c);
    if (r === null) return lauxlib.luaL_argerror(L, 1, to_luastring(`invalid conversion specifier '%${c ?? ''}'`));
    out += r;
  }
  pushString(L, out);
  return 1;
}
