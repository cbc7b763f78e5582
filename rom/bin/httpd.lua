-- httpd: serve a folder over HTTP with system.network.serve.
local network = require "system.network"
local filesystem = require "system.filesystem"
local cli = dofile("/rom/lib/cli.lua")

local program = cli.program("httpd", [[
usage: httpd [-p PORT] [-a ADDRESS] [-n COUNT] [DIR]
  -p PORT     port to listen on (default 8080; 0 picks a free one)
  -a ADDRESS  address to bind (default 127.0.0.1)
  -n COUNT    stop after COUNT requests (default: run until killed)
  DIR         folder to serve (default: the current directory)
]])
local opts = program.options({ p = "number", a = "string", n = "number" }, ...)
if #opts > 1 then program.usage("expected at most one folder") end
local port = opts.p or 8080
if port < 0 or port > 65535 or port % 1 ~= 0 then program.usage("bad port " .. tostring(opts.p)) end
local root = filesystem.absolute(opts[1] or ".")
if not filesystem.isDir(root) then program.fail(root .. ": Not a directory") end

local TYPES = {
    html = "text/html; charset=utf-8", htm = "text/html; charset=utf-8", txt = "text/plain; charset=utf-8",
    lua = "text/plain; charset=utf-8", md = "text/markdown; charset=utf-8", css = "text/css", js = "text/javascript",
    json = "application/json", png = "image/png", jpg = "image/jpeg", gif = "image/gif", svg = "image/svg+xml",
}

local function escape(s) return (s:gsub("[&<>\"]", { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;" })) end

local function readFile(path)
    local f = io.open(path, "rb")
    if not f then return nil end
    local data = f:read("a")
    f:close()
    return data
end

local function listing(urlPath, dir)
    local names = filesystem.list(dir)
    table.sort(names)
    local out = { "<!DOCTYPE html><title>Index of " .. escape(urlPath) .. "</title><h1>Index of " .. escape(urlPath) .. "</h1><ul>" }
    if urlPath ~= "/" then out[#out + 1] = '<li><a href="../">../</a></li>' end
    for _, n in ipairs(names) do
        local slash = filesystem.isDir(filesystem.combine(dir, n)) and "/" or ""
        out[#out + 1] = ('<li><a href="%s%s">%s%s</a></li>'):format(escape(network.urlEncode(n):gsub("%+", "%%20")), slash, escape(n), slash)
    end
    out[#out + 1] = "</ul>"
    return table.concat(out, "\n")
end

local count = 0
local function handle(req)
    count = count + 1
    if opts.n and count >= opts.n then network.stopServing() end
    local status, body, ctype = 200, nil, "text/plain; charset=utf-8"
    if req.method ~= "GET" and req.method ~= "HEAD" then
        status, body = 405, "Method Not Allowed\n"
    else
        local urlPath = network.urlDecode((req.path:gsub("%+", "%%2B")))
        local path = filesystem.combine(root, urlPath)
        if path ~= root and path:sub(1, #root + 1) ~= root .. "/" and root ~= "/" then
            status, body = 403, "Forbidden\n"
        elseif filesystem.isDir(path) then
            if urlPath:sub(-1) ~= "/" then
                io.stderr:write(("%s %s 301\n"):format(req.method, req.path))
                return { status = 301, headers = { Location = req.path .. "/" }, body = "" }
            end
            local index = filesystem.combine(path, "index.html")
            if filesystem.isFile(index) then body, ctype = readFile(index), TYPES.html
            else body, ctype = listing(urlPath, path), TYPES.html end
        elseif filesystem.isFile(path) then
            body = readFile(path)
            if not body then status, body = 403, "Forbidden\n"
            else ctype = TYPES[(path:match("%.([%w]+)$") or ""):lower()] or "application/octet-stream" end
        else
            status, body = 404, "Not Found\n"
        end
    end
    io.stderr:write(("%s %s %d\n"):format(req.method, req.path, status))
    return { status = status, headers = { ["Content-Type"] = ctype }, body = req.method == "HEAD" and "" or body }
end

local uri = ("http://%s:%d"):format(opts.a or "127.0.0.1", port)
local ok, lerr = pcall(function()
    network.serve(uri, function(req)
        local okh, res = pcall(handle, req)
        if okh then return res end
        io.stderr:write("httpd: " .. tostring(res) .. "\n")
        return { status = 500, body = "Internal Server Error\n" }
    end, function(actual) print("httpd: serving " .. root .. " on " .. actual) end)
end)
if not ok then program.fail(lerr) end
