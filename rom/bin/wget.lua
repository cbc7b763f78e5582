-- wget: download a URL to a file (or to standard output with -O -).
local util = require "system.util"
local network = require "system.network"
local filesystem = require "system.filesystem"

local function usage(msg)
    if msg then io.stderr:write("wget: " .. msg .. "\n") end
    io.stderr:write([[
usage: wget [-q] [-O FILE] [-H "Name: value"]... URL
  -O FILE   write to FILE ("-" for standard output; default: the last part of the URL path)
  -H HEADER add a request header (repeatable)
  -q        quiet: no progress messages
]])
    os.exit(2)
end

local opts, err = util.argparse({ O = "string", H = "multiple", q = false, help = false, h = "@help" }, ...)
if not opts then usage(err) end
if opts.help or #opts ~= 1 then usage(opts.help and nil or "expected one URL") end
local url = opts[1]

local headers = {}
for _, h in ipairs(opts.H or {}) do
    local k, v = h:match("^%s*([^:]+):%s*(.*)$")
    if not k then usage("bad header '" .. h .. "'") end
    headers[k] = v
end

local ok, handle, reason = pcall(network.get, { url = url, headers = headers, encoding = "binary" })
if not ok then io.stderr:write("wget: " .. tostring(handle) .. "\n") os.exit(1) end
if not handle then io.stderr:write("wget: " .. url .. ": " .. tostring(reason) .. "\n") os.exit(4) end
local code, phrase = handle:responseCode()
local data = handle:read("*a") or ""
handle:close()
if code >= 400 then
    io.stderr:write("wget: " .. url .. ": " .. code .. " " .. tostring(phrase) .. "\n")
    os.exit(8)
end

local out = opts.O
if not out then
    local path = (network.parseURI(url).path or ""):gsub("[?#].*$", "")
    out = filesystem.basename(path)
    if out == "" then out = "index.html" end
end
if out == "-" then
    io.write(data)
else
    local f, ferr = io.open(out, "wb")
    if not f then io.stderr:write("wget: " .. out .. ": " .. tostring(ferr) .. "\n") os.exit(3) end
    f:write(data)
    f:close()
    if not opts.q then io.stderr:write("wget: saved " .. #data .. " bytes to " .. out .. "\n") end
end
