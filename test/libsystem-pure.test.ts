// libsystem modules that need no kernel (serialization, expect, keys and the
// pure parts of util), run in a plain fengari state. Each snippet raises on
// failure; `check` turns that into a test failure with the Lua message.
import { describe, it, expect } from 'vitest';
import { PLAIN_PRELUDE, runPlain } from './libsystem-plain.js';

/** Run Lua source; returns what it returns (as a string), throws with the Lua error. */
const run = (src: string): string => runPlain(PLAIN_PRELUDE, src);

describe('system.util (pure parts)', () => {
  it('crc32 gives the standard check value as an unsigned number', () => {
    expect(run(`local u = require "system.util"; return string.format("%.0f", u.crc32("123456789"))`)).toBe(String(0xcbf43926));
    run(`
      local u = require "system.util"
      eq(u.crc32(""), 0)
      eq(u.crc32("a"), 3904355907)
      eq(u.crc32("The quick brown fox jumps over the lazy dog"), 0x414FA339 + 0.0)
      -- continue a checksum: pass the complemented previous result
      local a = u.crc32("12345")
      eq(u.crc32("6789", nil, 4294967295 - a), u.crc32("123456789"))
      -- explicit default polynomial, as a (wrapped) literal and as an unsigned float
      eq(u.crc32("123456789", 0xEDB88320), 3421780262)
      eq(u.crc32("123456789", 3988292384.0), 3421780262)
      -- CRC-32C (Castagnoli) check value
      eq(u.crc32("123456789", 0x82F63B78), 0xE3069283 + 4294967296.0)
    `);
  });

  it('split, copy and type', () => {
    run(`
      local u = require "system.util"
      eq(table.concat(u.split("  a b\\tc  "), "|"), "a|b|c")
      eq(table.concat(u.split("a,b,,c,", ",", true), "|"), "a|b||c|")
      eq(table.concat(u.split("a,b,,c", ","), "|"), "a|b|c")
      eq(table.concat(u.split("a]b^c", "]^"), "|"), "a|b|c")
      eq(#u.split("", ",", true), 1)
      local mt = { __name = "thing" }
      local src = { list = { 1, 2, { 3 } }, obj = setmetatable({ v = 1 }, mt) }
      src.self = src
      src.shared1 = src.list
      src.shared2 = src.list
      local c = u.copy(src)
      assert(c ~= src and c.list ~= src.list and c.list[3] ~= src.list[3])
      eq(c.self, c, "cycle")
      eq(c.shared1, c.shared2, "shared")
      eq(getmetatable(c.obj), mt, "metatable")
      eq(u.type(c.obj), "thing")
      eq(u.type({}), "table")
      eq(u.type("s"), "string")
      eq(u.copy(5), 5)
    `);
  });

  it('argparse', () => {
    run(`
      local u = require "system.util"
      local spec = { a = false, b = true, n = "number", m = "multiple", k = "multiple number",
                     v = "@verbose", verbose = false, name = "string" }
      local r = assert(u.argparse(spec, "-ab", "val", "-n5", "--name=x", "-m", "1", "--m", "2",
                                  "-k", "3", "-k4", "pos", "-v", "--", "-z"))
      eq(r.a, true) eq(r.b, "val") eq(r.n, 5) eq(r.name, "x")
      eq(table.concat(r.m, ","), "1,2") eq(r.k[1] + r.k[2], 7)
      eq(r[1], "pos") eq(r[2], "-z") eq(r.verbose, true) eq(r.v, nil)
      local r2 = assert(u.argparse({ name = true }, "--name", "y", "rest"))
      eq(r2.name, "y") eq(r2[1], "rest")
      local x, err = u.argparse({ a = false }, "-x") eq(x, nil) assert(err:find("unknown option %-x"))
      x, err = u.argparse({ a = false }, "--long") assert(err:find("unknown option %-%-long"))
      x, err = u.argparse({ n = "number" }, "-n", "q") assert(err:find("number"))
      x, err = u.argparse({ n = "number" }, "-n") assert(err:find("requires a value"))
      x, err = u.argparse({ a = false }, "--a=1") assert(err:find("does not take a value"))
      local r3 = assert(u.argparse({ [""] = { stopProcessingOnPositionalArgument = true }, a = false }, "cmd", "-a"))
      eq(r3[1], "cmd") eq(r3[2], "-a") eq(r3.a, nil)
      local r4 = assert(u.argparse({ a = false }, "-a", "-", "-a"))
      eq(r4[1], "-a")
    `);
  });

  it('event listeners register and unregister', () => {
    run(`
      local u = require "system.util"
      local f = function() end
      eq(u.addEventListener("x", f), f)
      eq(u.removeEventListener("x", f), true)
      eq(u.removeEventListener("x", f), false)
      fails("expected function", u.addEventListener, "x", 1)
    `);
  });
});

describe('system.expect', () => {
  it('checks types with CC-style messages', () => {
    run(`
      local expect = require "system.expect"
      local function foo(a, b) expect(1, a, "string") expect.expect(2, b, "number", "nil") return a end
      eq(foo("x"), "x")
      eq(select(2, pcall(foo, nil)), "bad argument #1 (expected string, got nil)")
      eq(select(2, pcall(foo, "x", "y")), "bad argument #2 (expected number or nil, got string)")
      eq(select(2, pcall(function() expect(3, {}, "string", "number", "nil") end)),
         "bad argument #3 (expected string, number or nil, got table)")
      local function named(x) expect(1, x, "string") end
      fails("^test:%d+: bad argument #1 to 'named' %(expected string, got number%)$", function() named(1) end)
      eq(expect(1, 5, "any"), 5)
      eq(expect.expect(1, nil, "nil"), nil)
      -- custom types via __name
      local m = setmetatable({}, { __name = "mutex" })
      eq(expect(1, m, "mutex"), m)
      eq(expect(1, m, "table"), m)
      fails("expected mutex, got table", expect, 1, {}, "mutex")
      fails("got mutex", expect, 1, m, "string")
      -- field and range
      eq(expect.field({ a = 1 }, "a", "number"), 1)
      fails("bad field 'a' %(expected string, got number%)", expect.field, { a = 1 }, "a", "string")
      eq(expect.range(2, 1, 3), 2)
      fails("outside of range", expect.range, 5, 1, 3)
      fails("outside of range", expect.range, 0/0)
      eq(expect.range(1e300), 1e300)
    `);
  });

  it('matchers: struct, array, table, match', () => {
    run(`
      local expect = require "system.expect"
      local S = expect.struct{ a = "string", b = { "number", "nil" }, c = expect.array("number") }
      expect(1, { a = "x", c = { 1, 2 } }, S)
      fails("field 'c': item 2: expected number, got string", expect, 1, { a = "x", c = { 1, "2" } }, S)
      fails("field 'a': expected string, got number", expect, 1, { a = 1, c = {} }, S)
      fails("expected struct {a: string, b: number or nil, c: array of number}, got number", expect, 1, 5, S)
      fails("expected array of string, got table with key x", expect, 1, { x = 1 }, expect.array("string"))
      expect(1, "abc", expect.match("^a"))
      fails('expected string matching "%^a", got "xbc"', expect, 1, "xbc", expect.match("^a"))
      expect(1, { x = 1 }, expect.table("string", "number"))
      fails("value at x: expected number, got string", expect, 1, { x = "1" }, expect.table("string", "number"))
      fails("key 1: expected string", expect, 1, { 1 }, expect.table("string", "number"))
      -- a matcher among plain alternatives
      expect(1, nil, S, "nil")
      expect(1, "s", expect.array("number"), "string")
    `);
  });
});

describe('system.keys', () => {
  it('uses Phoenix keycodes under CraftOS names', () => {
    run(`
      local keys = require "system.keys"
      eq(keys.a, 0x61) eq(keys.z, 0x7A) eq(keys.zero, 0x30) eq(keys.nine, 0x39)
      eq(keys.enter, 0x0A) eq(keys.backspace, 0x08) eq(keys.tab, 0x09) eq(keys.space, 0x20)
      eq(keys.leftCtrl, 0xB0) eq(keys.rightShift, 0xB5) eq(keys.f1, 0x81) eq(keys.f25, 0x99)
      eq(keys.numPad0, 0xA0) eq(keys.numPadEnter, 0xAF) eq(keys.up, 0xC0) eq(keys["end"], 0xC7)
      eq(keys.underscore, 0xCB) eq(keys.delete, 0x7F) eq(keys.insert, 0x80) eq(keys.grave, 0x60)
      eq(keys["return"], keys.enter)
      eq(keys.getName(0x61), "a") eq(keys.getName(0x0A), "enter") eq(keys.getName(0xC7), "end")
      eq(keys.getName(0x00), nil)
      eq(keys.getCharacter(keys.a), "a") eq(keys.getCharacter(keys.slash), "/")
      eq(keys.getCharacter(keys.numPad7), "7") eq(keys.getCharacter(keys.numPadAdd), "+")
      eq(keys.getCharacter(keys.enter), "\\n") eq(keys.getCharacter(keys.up), nil)
      eq(keys.getCharacter(keys.leftShift), nil)
    `);
  });
});

describe('system.serialization', () => {
  it('base64 round-trips every byte and matches RFC 4648 vectors', () => {
    run(`
      local b64 = (require "system.serialization").base64
      local vectors = { [""] = "", f = "Zg==", fo = "Zm8=", foo = "Zm9v", foob = "Zm9vYg==", fooba = "Zm9vYmE=", foobar = "Zm9vYmFy" }
      for plain, enc in pairs(vectors) do eq(b64.encode(plain), enc, plain) eq(b64.decode(enc), plain, enc) end
      local all = {} for i = 0, 255 do all[#all + 1] = string.char(i) end all = table.concat(all)
      eq(b64.decode(b64.encode(all)), all)
      eq(b64.decode("Zm9v\\nYmFy"), "foobar")
      eq(b64.decode("Zm8"), "fo")
      eq(b64.decode("-_8="), b64.decode("+/8="))
      fails("invalid character", b64.decode, "Zm9v!")
    `);
  });

  it('json encodes values, arrays and objects', () => {
    run(`
      local json = (require "system.serialization").json
      eq(json.encode({ 1, 2, 3 }), "[1,2,3]")
      eq(json.encode({ b = 1, a = "x" }), '{"a":"x","b":1}')
      eq(json.encode({}), "{}")
      eq(json.encode(json.emptyArray), "[]")
      eq(json.encode(json.array({})), "[]")
      eq(json.encode({ [1] = "a", [3] = "c" }), '{"1":"a","3":"c"}')
      eq(json.encode(json.null), "null")
      eq(json.encode(nil), "null")
      eq(json.encode({ 1, json.null, 3 }), "[1,null,3]")
      eq(json.encode("a\\"b\\\\c\\n\\1\\127é"), '"a\\\\"b\\\\\\\\c\\\\n\\\\u0001\\\\u007fé"')
      eq(json.encode(1.5), "1.5") eq(json.encode(3.0), "3") eq(json.encode(-0.1), "-0.1")
      eq(json.encode(2^53), "9007199254740992")
      eq(json.encode(true), "true")
      eq(json.encode({ a = { 1, {} } }, true), '{\\n  "a": [\\n    1,\\n    {}\\n  ]\\n}')
      eq(json.encode({ a = 1 }, { pretty = true, indent = "\\t" }), '{\\n\\t"a": 1\\n}')
      local cyc = {} cyc.me = cyc
      fails("cycles", json.encode, cyc)
      local shared = { 1 }
      eq(json.encode({ shared, shared }), "[[1],[1]]")
      fails("function", json.encode, { f = print })
      fails("nan", json.encode, 0/0)
      fails("inf", json.encode, 1/0)
      fails("key of type boolean", json.encode, { [true] = 1 })
    `);
  });

  it('json decodes with escapes, surrogates and positions in errors', () => {
    run(`
      local json = (require "system.serialization").json
      local v = json.decode(' {"a": [1, 2.5, -3e2, "\\\\u00e9\\\\ud83d\\\\ude00\\\\n\\\\/", null, true, false], "b": {}, "c": []} ')
      eq(v.a[1], 1) eq(math.type(v.a[1]), "integer") eq(v.a[2], 2.5) eq(v.a[3], -300.0)
      eq(v.a[4], "é😀\\n/") eq(v.a[5], json.null) eq(v.a[6], true) eq(v.a[7], false) eq(#v.a, 7)
      eq(next(v.b), nil)
      eq(json.encode(v.c), "[]")
      eq(json.decode("3000000000"), 3000000000)
      eq(json.decode('"\\\\u0041"'), "A")
      eq(json.decode("[1, null]", { nullAsNil = true })[2], nil)
      eq(json.decode('{"a":null}', { nullAsNil = true }).a, nil)
      local function bad(text, pattern) fails(pattern, json.decode, text) end
      bad('{"a":}', "unexpected character '}' at line 1, column 6")
      bad('[1,2', "unexpected end of input")
      bad('"abc', "unterminated string")
      bad('01', "leading zero")
      bad('{"a" 1}', "expected ':'")
      bad('tru', "unexpected character 't'")
      bad('[1] x', "after the value")
      bad('"\\\\ud800"', "unpaired surrogate")
      bad('"\\\\udc00x"', "unpaired surrogate")
      bad('"\\\\x"', "invalid escape")
      bad('"a\\nb"', "control character")
      bad('1.', "digit expected")
      bad('{"a":1,}', "expected string key")
      bad('\\n\\n  @', "line 3, column 3")
      bad('', "unexpected end of input")
      bad(string.rep("[", 600), "too deeply nested")
      -- round trip
      local data = { list = { 1, 2, { x = "y" } }, s = "q\\"\\0", n = -12.25, t = true }
      local back = json.decode(json.encode(data))
      eq(back.list[3].x, "y") eq(back.s, "q\\"\\0") eq(back.n, -12.25) eq(back.t, true)
    `);
  });

  it('lua encode/decode round-trips without running code', () => {
    run(`
      local luaser = (require "system.serialization").lua
      local t = { 1, 2, "three", { x = 1, ["y z"] = "q\\0\\n\\"\\\\", [true] = false, [1.5] = 2 },
                  n = -1/0, p = 1/0, m = 0/0, f = 3.0, big = 2^40, ["end"] = 1, s = "é\\1\\2003" }
      for _, opts in ipairs({ {}, { minified = true } }) do
        local d = luaser.decode(luaser.encode(t, opts))
        eq(d[1], 1) eq(d[3], "three") eq(d[4]["y z"], "q\\0\\n\\"\\\\") eq(d[4][true], false) eq(d[4][1.5], 2)
        eq(d.n, -1/0) eq(d.p, 1/0) assert(d.m ~= d.m) eq(math.type(d.f), "float") eq(d.big, 2^40)
        eq(d["end"], 1) eq(d.s, t.s) eq(d[4].x, 1)
      end
      eq(luaser.encode({ 1, a = 2 }, { minified = true }), "{1,a=2}")
      eq(luaser.encode({ 1, a = 2 }), "{\\n  1,\\n  a = 2\\n}")
      eq(luaser.encode("x"), '"x"')
      eq(luaser.encode({}), "{}")
      eq(luaser.decode("return { [==[long]==], 'x\\\\65\\\\x41\\\\u{e9}\\\\z   y', -- c\\n 0x10, .5, -math.huge, [ [[k]] ] = 1; }")[2], "xAAéy")
      local d = luaser.decode("{ 0x10, .5, -math.huge, 1e3, --[[ long\\ncomment ]] n = nil }")
      eq(d[1], 16) eq(d[2], 0.5) eq(d[3], -math.huge) eq(d[4], 1000.0)
      fails("only literals are allowed", luaser.decode, "os.exit()")
      fails("only literals are allowed", luaser.decode, "{ a = print }")
      fails("only literals are allowed", luaser.decode, "{ (function() error('ran') end)() }")
      fails("'}' expected", luaser.decode, "{1, 2")
      fails("unexpected symbol after the value", luaser.decode, "1 2")
      fails("unfinished string", luaser.decode, "'abc")
      fails("cycles", luaser.encode, (function() local c = {} c[1] = c return c end)())
      fails("function", luaser.encode, { print })
      fails("allow_functions is not supported", luaser.encode, {}, { allow_functions = true })
    `);
  });

  it('toml decodes documents and round-trips through encode', () => {
    run(String.raw`
      local toml = (require "system.serialization").toml
      local doc = [==[
# comment
title = "TOML Example"
"quoted key" = 'literal \n'
a.b.c = 1
a.b.d = 2

[owner]
name = "Tom"   # trailing comment
dob = 1979-05-27T07:32:00-08:00
day = 1979-05-27

[database]
enabled = true
ports = [ 8000, 8001,
  8002, ]   # arrays may span lines
data = [ ["delta", "phi"], [3.14] ]
temp = { cpu = 79.5, case = 72.0 }
hex = 0xDEAD_BEEF
small = 0xff
oct = 0o755
bin = 0b1101
big = 1_000_000
neg = -17
flt = 6.626e-34
ninf = -inf
ml = """
Roses are red\
   Violets are blue"""
lit = '''
raw \n text'''
uni = "\u00e9\U0001F600\t"
empty = []

[servers.alpha]
ip = "10.0.0.1"

[[products]]
name = "Hammer"

[[products]]

[[products]]
name = "Nail"
]==]
      local t = toml.decode(doc)
      eq(t.title, "TOML Example") eq(t["quoted key"], "literal \\n") eq(t.a.b.c, 1) eq(t.a.b.d, 2)
      eq(t.owner.name, "Tom") eq(t.owner.dob, "1979-05-27T07:32:00-08:00") eq(t.owner.day, "1979-05-27")
      eq(t.database.enabled, true) eq(#t.database.ports, 3) eq(t.database.ports[3], 8002)
      eq(t.database.data[1][2], "phi") eq(t.database.data[2][1], 3.14) eq(t.database.temp.cpu, 79.5)
      eq(t.database.hex, 3735928559) eq(t.database.small, 255) eq(math.type(t.database.small), "integer")
      eq(t.database.oct, 493) eq(t.database.bin, 13) eq(t.database.big, 1000000) eq(t.database.neg, -17)
      eq(t.database.flt, 6.626e-34) eq(t.database.ninf, -math.huge)
      eq(t.database.ml, "Roses are redViolets are blue") eq(t.database.lit, "raw \\n text")
      eq(t.database.uni, "é😀\t") eq(#t.database.empty, 0)
      eq(t.servers.alpha.ip, "10.0.0.1")
      eq(#t.products, 3) eq(t.products[1].name, "Hammer") eq(next(t.products[2]), nil) eq(t.products[3].name, "Nail")
      local back = toml.decode(toml.encode(t))
      eq(back.a.b.c, 1) eq(back.database.ports[2], 8001) eq(back.database.temp.case, 72.0)
      eq(math.type(back.database.temp.case), "float") eq(back.products[3].name, "Nail") eq(#back.products, 3)
      eq(back.database.ml, t.database.ml) eq(back.database.uni, t.database.uni) eq(back.database.ninf, -math.huge)
      eq(back["quoted key"], t["quoted key"])
      eq(toml.encode({ e = back.database.empty }), "e = []\n")
      eq(toml.encode({ b = 1, a = { x = true } }), "b = 1\n\n[a]\nx = true\n")
      eq(toml.encode({}), "")
      local function bad(text, pattern) fails(pattern, toml.decode, text) end
      bad("a = ", "expected a value")
      bad("a = 1\na = 2", "duplicate key 'a' at line 2")
      bad("[x]\n[x]", "defined twice")
      bad("a = 01", "leading zero")
      bad('a = "x', "unterminated string")
      bad("a = 1 b = 2", "expected end of line")
      bad("a.b = 1\n[a.b]", "defined twice")
      bad("a = {b = 1}\n[a]", "defined twice")
      bad("a = 1__0", "invalid number")
      bad("a = [1,", "unterminated array")
      bad("a = tru", "invalid value")
      bad('a = "\\q"', "invalid escape")
      fails("cycles", toml.encode, (function() local c = {} c.c = c return c end)())
      fails("keys must be strings", toml.encode, { [1.5] = 1 })
      fails("expected table", toml.encode, 5)
    `);
  });
});
