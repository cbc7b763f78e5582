-- curl: transfer a URL: any method, headers, a request body, the response to
-- standard output or a file.
local network = require "system.network"
local cli = dofile("/rom/lib/cli.lua")

local program = cli.program("curl", [[
usage: curl [options] URL
  -X METHOD     request method (default GET, or POST with -d)
  -H HEADER     add a header "Name: value" (repeatable)
  -d DATA       request body; @FILE reads it from a file
  -o FILE       write the body to FILE instead of standard output
  -i            include the status line and headers in the output
  -I            HEAD request, print the headers only
  -L            follow redirects
  -f            fail (exit 22) on HTTP status 400 and above
  -m SECONDS    timeout
  -s            silent: no error messages (the exit code still tells)
  -S            with -s: show error messages after all
]])
local opts = program.options({
    X = "string", H = "multiple", d = "string", o = "string", i = false, I = false, L = false, f = false, m = "number",
    s = false, S = false,
}, ...)
if #opts ~= 1 then program.usage("expected one URL") end

-- As curl's -s: failures exit with their code but say nothing, unless -S. (There is no
-- progress meter to hide.) Usage errors are still reported.
local function fail(msg, code)
    if opts.s and not opts.S then os.exit(code) end
    program.fail(msg, code)
end

local headers = cli.headers(opts.H, program)

local body = opts.d
if body and body:sub(1, 1) == "@" then
    local f, ferr = io.open(body:sub(2), "rb")
    if not f then fail(body:sub(2) .. ": " .. tostring(ferr), 26) end
    body = f:read("a")
    f:close()
end
local method = opts.I and "HEAD" or opts.X or (body and "POST" or "GET")

local ok, handle, cerr = pcall(network.connect, {
    url = opts[1], method = method, headers = headers, redirect = opts.L == true, timeout = opts.m, encoding = "binary",
})
if not ok then fail(handle, 3) end
if not handle then fail(cerr, 7) end
if body then handle:write(body) else handle:write() end
network.awaitStatus(handle)
local status, reason = handle:status()
if status ~= "open" then fail(reason, 7) end

local code, phrase = handle:responseCode()
local out = {}
if opts.i or opts.I then
    out[#out + 1] = ("HTTP %d %s\r\n"):format(code, phrase or "")
    local names = {}
    for k in pairs(handle:responseHeaders()) do names[#names + 1] = k end
    table.sort(names)
    local hd = handle:responseHeaders()
    for _, k in ipairs(names) do out[#out + 1] = k .. ": " .. hd[k] .. "\r\n" end
    out[#out + 1] = "\r\n"
end
if not opts.I then out[#out + 1] = handle:read("*a") or "" end
handle:close()
if opts.f and code >= 400 then fail("The requested URL returned error: " .. code, 22) end
local text = table.concat(out)
if opts.o then
    local f, ferr = io.open(opts.o, "wb")
    if not f then fail(opts.o .. ": " .. tostring(ferr), 23) end
    f:write(text)
    f:close()
else
    io.write(text)
end
