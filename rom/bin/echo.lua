-- echo: write arguments to standard output.
-- usage: echo [-neE] [STRING...]
-- Words that are not exactly -n, -e, -E (or a mix like -ne) are printed as
-- they are, as POSIX echo does; --help prints the usage.
local args = { ... }
if args[1] == "--help" then
    print("usage: echo [-n] [-e] [-E] [STRING...]")
    print("  -n  do not print the trailing newline")
    print("  -e  interpret backslash escapes (\\n \\t \\\\ \\a \\b \\e \\0NNN \\xHH \\c)")
    print("  -E  do not interpret escapes (default)")
    return
end
local newline, escapes = true, false
local i = 1
while args[i] and args[i]:match("^%-[neE]+$") do
    for f in args[i]:sub(2):gmatch(".") do
        if f == "n" then newline = false elseif f == "e" then escapes = true else escapes = false end
    end
    i = i + 1
end
local out = table.concat(args, " ", i)
if escapes then
    local stop = false
    local map = { n = "\n", t = "\t", r = "\r", a = "\a", b = "\b", f = "\f", v = "\v", e = "\27", ["\\"] = "\\" }
    out = out:gsub("\\(0%d?%d?%d?)", function(o) return string.char(tonumber(o, 8) % 256) end)
    out = out:gsub("\\x(%x%x?)", function(h) return string.char(tonumber(h, 16)) end)
    local c = out:find("\\c", 1, true)
    if c then out = out:sub(1, c - 1) stop = true end
    out = out:gsub("\\(.)", function(ch) return map[ch] or ("\\" .. ch) end)
    if stop then newline = false end
end
io.write(out, newline and "\n" or "")
