-- wget: download a URL to a file (or to standard output with -O -).
local network = require "system.network"
local filesystem = require "system.filesystem"
local cli = dofile("/rom/lib/cli.lua")

local program = cli.program("wget", [[
usage: wget [-q] [-O FILE] [-H "Name: value"]... URL
  -O FILE   write to FILE ("-" for standard output; default: the last part of the URL path)
  -H HEADER add a request header (repeatable)
  -q        quiet: no progress messages
]])
local opts = program.options({ O = "string", H = "multiple", q = false }, ...)
if #opts ~= 1 then program.usage("expected one URL") end
local url = opts[1]

local headers = cli.headers(opts.H, program)

local ok, handle, reason = pcall(network.get, { url = url, headers = headers, encoding = "binary" })
if not ok then program.fail(handle) end
if not handle then program.fail(url .. ": " .. tostring(reason), 4) end
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
    if not f then program.fail(out .. ": " .. tostring(ferr), 3) end
    f:write(data)
    f:close()
    if not opts.q then io.stderr:write("wget: saved " .. #data .. " bytes to " .. out .. "\n") end
end
