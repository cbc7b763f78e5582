--- system.network: connections and servers (reference/phoenix.md §4.2).
--
-- Departures from Phoenix 0.0.9:
-- * The waiting helpers (get, head, options, post, put, delete, getData,
--   serve) keep unrelated events: they go back on the queue in order
--   (util.waitFor).
-- * urlEncode percent-encodes the bytes of the string as they are (UTF-8
--   stays UTF-8) instead of re-encoding bytes >= 0x80 as two-byte sequences.
-- * New: serve(uri, handler), stopServing(uri), urlDecode.
local util = require "system.util"
local expect = require "system.expect"

local syscall = util.syscall
local type, pairs, pcall, tostring, tonumber, error, select = type, pairs, pcall, tostring, tonumber, error, select
local format, char, byte = string.format, string.char, string.byte

local network = {}

-- URIs ----------------------------------------------------------------------

local URI_CHARS = "^[%w%-%._~!%$&'%(%)%*%+,;=:@/%?#%[%]%%]*$"

--- parseURI(uri) -> {scheme, user?, host?, port?, path?, query?, fragment?}
-- The same rules as the kernel's parser; raises "Invalid URI".
function network.parseURI(uri)
    expect(1, uri, "string")
    local function bad() error("Invalid URI", 3) end
    local scheme, rest = uri:match("^(%a[%w%+%.%-]*):(.*)$")
    if not scheme then bad() end
    if not rest:match(URI_CHARS) then bad() end
    for pos in rest:gmatch("()%%") do
        if not rest:sub(pos + 1, pos + 2):match("^%x%x$") then bad() end
    end
    local out = { scheme = scheme:lower() }
    local hier = rest
    local h = hier:find("#", 1, true)
    if h then out.fragment = hier:sub(h + 1) hier = hier:sub(1, h - 1) end
    local q = hier:find("?", 1, true)
    if q then out.query = hier:sub(q + 1) hier = hier:sub(1, q - 1) end
    if hier:sub(1, 2) == "//" then
        local slash = hier:find("/", 3, true)
        local auth = slash and hier:sub(3, slash - 1) or hier:sub(3)
        if slash then out.path = hier:sub(slash) end
        local at = auth:match(".*()@")
        if at then out.user = auth:sub(1, at - 1) auth = auth:sub(at + 1) end
        local host, port = auth, nil
        if auth:sub(1, 1) == "[" then
            local close = auth:find("]", 1, true)
            if not close then bad() end
            host = auth:sub(1, close)
            local after = auth:sub(close + 1)
            if after ~= "" then
                if after:sub(1, 1) ~= ":" then bad() end
                port = after:sub(2)
            end
        else
            local colon = auth:find(":", 1, true)
            if colon then host = auth:sub(1, colon - 1) port = auth:sub(colon + 1) end
            if host:find("[%[%]]") then bad() end
        end
        if port and port ~= "" then
            if not port:match("^%d%d?%d?%d?%d?$") or tonumber(port) > 65535 then bad() end
            out.port = tonumber(port)
        end
        if host ~= "" then out.host = host end
    elseif hier ~= "" then
        out.path = hier
    end
    if out.path == "" then out.path = nil end
    return out
end

--- urlEncode(str) -> string: form encoding ("\n" as "\r\n", space as "+",
-- every other byte outside A-Z a-z 0-9 - _ . ~ as %XX).
function network.urlEncode(str)
    expect(1, str, "string")
    str = str:gsub("\r?\n", "\r\n")
    str = str:gsub("[^%w%-_%.~ ]", function(c) return format("%%%02X", c:byte()) end)
    return (str:gsub(" ", "+"))
end

--- urlDecode(str) -> string: the inverse of urlEncode ("+" as space, %XX as the byte).
function network.urlDecode(str)
    expect(1, str, "string")
    str = str:gsub("%+", " ")
    return (str:gsub("%%(%x%x)", function(h) return char(tonumber(h, 16)) end))
end

-- connections ---------------------------------------------------------------

--- connect(options) -> handle | nil, err: options is a URI or a table with a string `url`.
function network.connect(options)
    expect(1, options, "string", "table")
    if type(options) == "table" and type(options.url) ~= "string" then
        error("bad field 'url' (expected string, got " .. type(options.url) .. ")", 2)
    end
    return syscall.connect(options)
end

--- checkURI(uri) -> boolean
network.checkURI = util.checked("checkuri", {"string"})

--- listen(uri) -> the URI listened on (port 0 picks a free port)
network.listen = util.checked("listen", {"string"})

--- unlisten(uri)
network.unlisten = util.checked("unlisten", {"string"})

local yield = coroutine.yield

--- awaitStatus(handle) -> params: wait for the handle's next
-- handle_status_change event. Other events are kept as util.waitFor keeps
-- them (util.keepEvents). `name, params`: an event already taken, looked at first.
local function awaitStatus(handle, name, params)
    local id = handle.id
    local _, p = util.waitFor(function(n, q)
        return n == "handle_status_change" and type(q) == "table" and q.id == id
    end, name, params)
    return p
end
network.awaitStatus = function(handle) return awaitStatus(handle) end

--- Does url start with "http://" or "https://" (any case)? Compared as bytes:
-- this runs once per request, and a pattern match costs several times more.
local function isHttp(url)
    if #url < 7 then return false end
    local h, t1, t2, p, s, c1, c2, c3 = byte(url, 1, 8)
    -- (x | 32) folds an ASCII letter to lower case
    if (h | 32) ~= 104 or (t1 | 32) ~= 116 or (t2 | 32) ~= 116 or (p | 32) ~= 112 then return false end
    if (s | 32) == 115 then s, c1, c2 = c1, c2, c3 end
    return s == 58 and c1 == 47 and c2 == 47
end

local function request(level, method, options, data)
    local url
    if type(options) == "string" then
        url = options
        if method then options = { url = options } end -- a plain GET passes the string as is
    elseif type(options) == "table" then
        local copy = {}
        for k, v in pairs(options) do copy[k] = v end
        options = copy
        url = options.url
        if type(url) ~= "string" then error("bad field 'url' (expected string, got " .. type(url) .. ")", level) end
    else
        error("bad argument #1 (expected string or table, got " .. type(options) .. ")", level)
    end
    if not isHttp(url) then error("Invalid scheme", level) end
    if method then options.method = method end
    -- the connect syscall directly (as util.syscall.connect, minus a table pack per call)
    local ok, handle, err = yield("syscall", "connect", options)
    if not ok then error(handle, level) end
    if not handle then return nil, err end
    if data ~= nil then handle:write(data) else handle:write() end
    -- the first event is almost always this handle's: look at it here before the loop
    local name, params = yield()
    if name ~= "handle_status_change" or type(params) ~= "table" or params.id ~= handle.id then
        params = awaitStatus(handle, name, params)
    end
    -- the event says open: nothing can change an HTTP handle's status since (only close)
    if params.status == "open" then return handle end
    local _, reason = handle:status()
    return nil, reason or params.error or "Request failed"
end

--- get(options) -> handle | nil, err: send a GET request and wait for the response.
function network.get(options) return request(3, nil, options) end
--- head(options) -> handle | nil, err
function network.head(options) return request(3, "HEAD", options) end
--- options(options) -> handle | nil, err
function network.options(options) return request(3, "OPTIONS", options) end
--- post(options, data) -> handle | nil, err
function network.post(options, data)
    expect(2, data, "string")
    return request(3, "POST", options, data)
end
--- put(options, data) -> handle | nil, err
function network.put(options, data)
    expect(2, data, "string")
    return request(3, "PUT", options, data)
end
--- delete(options, data?) -> handle | nil, err
network["delete"] = function(options, data)
    expect(2, data, "string", "nil")
    return request(3, "DELETE", options, data)
end

--- getData(url, headers?) -> data, code | nil, err: GET a URL and return its body.
function network.getData(url, headers)
    expect(1, url, "string")
    expect(2, headers, "table", "nil")
    local handle, err = request(3, "GET", { url = url, headers = headers, encoding = "binary" })
    if not handle then return nil, err end
    local data = handle:read("*a") or ""
    local code = handle:responseCode()
    handle:close()
    return data, code
end

-- serving -------------------------------------------------------------------

local function respond(handle, res)
    if type(res) == "string" then res = { status = 200, body = res } end
    if type(res) ~= "table" then res = { status = 204 } end
    handle:setResponseCode(tonumber(res.status) or 200)
    if type(res.headers) == "table" then
        for k, v in pairs(res.headers) do handle:setResponseHeader(tostring(k), tostring(v)) end
    end
    if res.body ~= nil then handle:write(res.body) end
    handle:close()
end

local function httpRequest(handle, ev)
    return {
        method = handle:requestMethod(), path = handle:requestPath(), query = handle:requestQuery(),
        headers = handle:requestHeaders(), body = handle:read("*a") or "", ip = ev.ip, uri = ev.uri, handle = handle,
    }
end

--- serve(uri, handler): listen on an http://, ws:// or tcp:// URI and answer
-- every network_request until stopServing(uri) (or a `serve_stop` event).
-- handler is function(request) -> response, or a table {handleRequest,
-- handleWebSocket, handleConnection}. An HTTP request is {method, path, query,
-- headers, body, ip, uri, handle}; the response is {status?, headers?, body?}
-- or a string body. WebSocket and TCP handlers get the open handle.
-- `ready(uri)`, if given, is called once listening (with the real port when
-- the URI asked for port 0). Returns the URI served on.
function network.serve(uri, handler, ready)
    expect(1, uri, "string")
    expect(2, handler, "function", "table")
    expect(3, ready, "function", "nil")
    local onRequest, onSocket, onConn
    if type(handler) == "function" then
        onRequest, onSocket, onConn = handler, handler, handler
    else
        onRequest, onSocket, onConn = handler.handleRequest, handler.handleWebSocket, handler.handleConnection
    end
    local actual = syscall.listen(uri)
    local parsed = network.parseURI(actual)
    local bases = { [actual] = true }
    local listened = { actual }
    if parsed.scheme == "http" and type(handler) == "table" and onSocket then
        local wsUri = syscall.listen("ws" .. actual:sub(5))
        bases[wsUri] = true
        listened[#listened + 1] = wsUri
    end
    if ready then ready(actual) end
    local function ours(u)
        if type(u) ~= "string" then return false end
        for b in pairs(bases) do
            if u:sub(1, #b) == b then return true end
        end
        return false
    end
    while true do
        local name, ev = util.waitFor(function(n, p)
            if type(p) ~= "table" then return false end
            if n == "network_request" then return ours(p.uri) end
            return n == "serve_stop" and (p.uri == nil or p.uri == uri or bases[p.uri])
        end)
        if name == "serve_stop" then break end
        local handle = ev.handle
        local scheme = ev.uri:match("^(%a+):")
        if scheme == "http" then
            local ok = pcall(function()
                local req = httpRequest(handle, ev)
                local okh, res = pcall(onRequest, req)
                if not okh then
                    io.stderr:write("serve: handler error: " .. tostring(res) .. "\n")
                    res = { status = 500, headers = { ["Content-Type"] = "text/plain" }, body = "Internal Server Error\n" }
                end
                respond(handle, res)
            end)
            if not ok and handle:status() == "open" then pcall(handle.close, handle) end
        else
            local fn = scheme == "ws" and onSocket or onConn
            if fn then
                local ok = pcall(fn, handle, ev)
                if not ok and handle:status() == "open" then pcall(handle.close, handle) end
            else
                handle:close()
            end
        end
    end
    for i = #listened, 1, -1 do pcall(syscall.unlisten, listened[i]) end
    return actual
end

--- stopServing(uri?): make serve (in this process) return after the current request.
function network.stopServing(uri)
    expect(1, uri, "string", "nil")
    return util.queueEvent("serve_stop", { uri = uri })
end

return network
