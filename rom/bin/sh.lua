-- sh: the cinder shell, a POSIX-flavoured command language.
--
--   sh                    interactive shell (line editing, history, completion)
--   sh -c 'commands' [name [args...]]
--   sh script.sh [args...]
--   ... | sh              read commands from stdin
--
-- Supports quoting ('...', "...", \), parameters ($VAR ${VAR} $? $$ $! $# $0-$9
-- $@ $*), command substitution $(...) and `...`, globbing (* ? [...]), ~,
-- ; && || | & and newlines, ! pipelines, { ...; } and ( ... ) groups,
-- if/elif/else/fi, while/until ... do ... done, for NAME in ...; do ... done,
-- redirections > >> < 2> 2>> 2>&1 >&2, NAME=value prefixes and built-ins (see
-- `help sh`). Everything is written for cinder; no code is taken from other
-- shells.
local util = require "system.util"
local terminal = require "system.terminal"

local syscall = util.syscall
local yield = coroutine.yield
local pack, unpack, concat, insert, remove, sort = table.pack, table.unpack, table.concat, table.insert, table.remove, table.sort
local type, tostring, tonumber, pairs, ipairs, pcall, error, select = type, tostring, tonumber, pairs, ipairs, pcall, error, select

local S = {
    vars = syscall.getenv(),  -- exported variables (the live table children copy)
    locals = {},              -- shell variables that are not exported
    positional = { n = 0 },
    name = "sh",
    status = 0,
    aliases = {},
    functions = {},           -- name -> { body = node, text = source of the body }
    jobs = {},
    history = {},
    lastBg = nil,
    interactive = false,
    pid = syscall.getpid(),
    exitRequested = nil,
    loopDepth = 0,
    breakN = 0, continueN = 0,
    localFrames = {},         -- per function call: the variables `local` replaced
}

local function errw(s) pcall(syscall.writeerr, s) end
local function outw(s) syscall.write(s) end

local function shellError(msg) errw(S.name .. ": " .. msg .. "\n") end

------------------------------------------------------------------------------
-- Lexer
------------------------------------------------------------------------------
-- Words are lists of parts: {s = text, q = quoted?} for literal text (glob
-- characters of unquoted text are encoded as \1 * \2 ? \3 [ \4 ]),
-- {var = name, q = quoted?} and {cmd = text, q = quoted?}.

local INCOMPLETE = setmetatable({}, { __tostring = function() return "incomplete input" end })

local function syntaxError(msg)
    error({ syntax = msg }, 0)
end

-- Find the end of a $( ... ) starting after "$(" at position i; returns
-- the index of the closing ")".
local function matchParen(src, i)
    local depth, n = 1, #src
    while i <= n do
        local c = src:sub(i, i)
        if c == "\\" then i = i + 1
        elseif c == "'" then
            local j = src:find("'", i + 1, true)
            if not j then error(INCOMPLETE, 0) end
            i = j
        elseif c == '"' then
            i = i + 1
            while i <= n and src:sub(i, i) ~= '"' do
                if src:sub(i, i) == "\\" then i = i + 1 end
                i = i + 1
            end
            if i > n then error(INCOMPLETE, 0) end
        elseif c == "(" then depth = depth + 1
        elseif c == ")" then
            depth = depth - 1
            if depth == 0 then return i end
        end
        i = i + 1
    end
    error(INCOMPLETE, 0)
end

local SPECIAL_PARAMS = { ["?"] = true, ["$"] = true, ["!"] = true, ["#"] = true, ["@"] = true, ["*"] = true, ["0"] = true }

-- Parse a $-expansion at position i (pointing at "$"); returns part, next index.
local function lexDollar(src, i, quoted)
    local c = src:sub(i + 1, i + 1)
    if c == "{" then
        local j = src:find("}", i + 2, true)
        if not j then error(INCOMPLETE, 0) end
        local name = src:sub(i + 2, j - 1)
        local var, op, word = name:match("^([%w_]+)(:?[%-=+?])(.*)$")
        if not var then var, op, word = name:match("^([%w_]+)([#%%][#%%]?)(.*)$") end
        if var then
            return { var = var, op = op, word = word, q = quoted }, j + 1
        end
        if not (name:match("^[%a_][%w_]*$") or name:match("^%d+$") or SPECIAL_PARAMS[name] or name:match("^#[%a_][%w_]*$")) then
            syntaxError("${" .. name .. "}: bad substitution")
        end
        return { var = name, q = quoted }, j + 1
    elseif c == "(" then
        if src:sub(i + 2, i + 2) == "(" then
            -- $(( arithmetic ))
            local j = matchParen(src, i + 3)
            if src:sub(j + 1, j + 1) ~= ")" then syntaxError("bad arithmetic expression") end
            return { arith = src:sub(i + 3, j - 1), q = quoted }, j + 2
        end
        local j = matchParen(src, i + 2)
        return { cmd = src:sub(i + 2, j - 1), q = quoted }, j + 1
    elseif c:match("[%a_]") then
        local name = src:match("^[%w_]+", i + 1)
        return { var = name, q = quoted }, i + 1 + #name
    elseif c:match("%d") or SPECIAL_PARAMS[c] then
        return { var = c, q = quoted }, i + 2
    end
    return { s = "$", q = true }, i + 1
end

-- Glob magic (\1 * \2 ? \3 [ \4 ]) back to the characters as written.
local function unglob(s) return (s:gsub("\1", "*"):gsub("\2", "?"):gsub("\3", "["):gsub("\4", "]")) end

local OPS = { "&&", "||", ";;", ">>", ">&", "<<-", "<<", "<&", "|", "&", ";", "(", ")", "<", ">", "\n" }

-- The body of an unquoted here-document as word parts (all quoted: no splitting, no globs):
-- $ expansions and `...` run; a backslash escapes only $ ` \ and a newline.
local function heredocParts(body)
    local parts, buf = {}, {}
    local function flush()
        if #buf > 0 then parts[#parts + 1] = { s = table.concat(buf), q = true } buf = {} end
    end
    local i, n = 1, #body
    while i <= n do
        local c = body:sub(i, i)
        if c == "\\" then
            local d = body:sub(i + 1, i + 1)
            if d == "$" or d == "`" or d == "\\" then buf[#buf + 1] = d i = i + 2
            elseif d == "\n" then i = i + 2
            else buf[#buf + 1] = c i = i + 1 end
        elseif c == "$" then
            flush()
            local part, j = lexDollar(body, i, true)
            parts[#parts + 1] = part
            i = j
        elseif c == "`" then
            local j = body:find("`", i + 1, true)
            if not j then buf[#buf + 1] = c i = i + 1
            else
                flush()
                parts[#parts + 1] = { cmd = body:sub(i + 1, j - 1), q = true }
                i = j + 1
            end
        else
            buf[#buf + 1] = c
            i = i + 1
        end
    end
    flush()
    return parts
end

local function lex(src)
    local toks = {}
    local i, n = 1, #src
    local word = nil   -- current word parts
    local wordStart = nil
    local heredocs = {} -- << redirections whose bodies start after the next newline
    toks.heredocs = {}  -- every here-document token, for commandText

    -- Read the bodies of the pending here-documents from the lines after position i.
    local function readHeredocs()
        for _, r in ipairs(heredocs) do
            local delimTok = toks[r.tokIndex + 1]
            if not delimTok or delimTok.type ~= "word" then return end -- the parser reports it
            local delim, quoted = {}, false
            for _, part in ipairs(delimTok.parts) do
                if part.q then quoted = true end
                if part.s then delim[#delim + 1] = unglob(part.s)
                elseif part.var then delim[#delim + 1] = "$" .. part.var end
            end
            delim = table.concat(delim)
            local lines = {}
            local blockStart = i
            while true do
                if i > n then error(INCOMPLETE, 0) end
                local j = src:find("\n", i, true)
                local line = src:sub(i, (j or n + 1) - 1)
                i = (j or n) + 1
                if r.tok.strip then line = line:gsub("^\t+", "") end
                if line == delim then break end
                if not j then error(INCOMPLETE, 0) end
                lines[#lines + 1] = line .. "\n"
            end
            local body = table.concat(lines)
            r.tok.heredoc = quoted and { { s = body, q = true } } or heredocParts(body)
            r.tok.block = src:sub(blockStart, i - 1) -- the body lines and the end line, as written
            r.tok.blockStart = blockStart
        end
        heredocs = {}
    end

    local function addPart(part)
        if not word then word = {} end
        local last = word[#word]
        if part.s and last and last.s and last.q == part.q then
            last.s = last.s .. part.s
        else
            word[#word + 1] = part
        end
    end
    local function endWord()
        if word then
            local lit = nil
            if #word == 1 and word[1].s and not word[1].q and not word[1].s:find("[\1-\4]") then lit = word[1].s end
            if #word == 0 then lit = nil end
            toks[#toks + 1] = { type = "word", parts = word, lit = lit, pos = wordStart }
            word = nil
            wordStart = nil
        end
    end

    while i <= n do
        local c = src:sub(i, i)
        if c == " " or c == "\t" or c == "\r" then
            endWord()
            i = i + 1
        elseif c == "#" and not word then
            local j = src:find("\n", i, true)
            i = j or n + 1
        elseif c == "\\" then
            if i == n then error(INCOMPLETE, 0) end
            local d = src:sub(i + 1, i + 1)
            if d == "\n" then
                i = i + 2
            else
                if not word then wordStart = i end
                addPart({ s = d, q = true })
                i = i + 2
            end
        elseif c == "'" then
            local j = src:find("'", i + 1, true)
            if not j then error(INCOMPLETE, 0) end
            if not word then wordStart = i end
            addPart({ s = src:sub(i + 1, j - 1), q = true })
            if not word then word = {} end
            i = j + 1
        elseif c == '"' then
            if not word then wordStart = i end
            if not word then word = {} end
            local had = #word
            i = i + 1
            local buf = {}
            local function flush()
                if #buf > 0 then addPart({ s = concat(buf), q = true }) buf = {} end
            end
            while true do
                if i > n then error(INCOMPLETE, 0) end
                local d = src:sub(i, i)
                if d == '"' then i = i + 1 break
                elseif d == "\\" then
                    local e = src:sub(i + 1, i + 1)
                    if e == "" then error(INCOMPLETE, 0) end
                    if e == "$" or e == "`" or e == '"' or e == "\\" then buf[#buf + 1] = e
                    elseif e == "\n" then -- line continuation
                    else buf[#buf + 1] = "\\" .. e end
                    i = i + 2
                elseif d == "$" then
                    flush()
                    local part, j = lexDollar(src, i, true)
                    addPart(part)
                    i = j
                elseif d == "`" then
                    flush()
                    local j = src:find("`", i + 1, true)
                    if not j then error(INCOMPLETE, 0) end
                    addPart({ cmd = src:sub(i + 1, j - 1), q = true })
                    i = j + 1
                else
                    buf[#buf + 1] = d
                    i = i + 1
                end
            end
            flush()
            if #word == had then addPart({ s = "", q = true }) end
        elseif c == "$" then
            if not word then wordStart = i end
            local part, j = lexDollar(src, i, false)
            addPart(part)
            i = j
        elseif c == "`" then
            if not word then wordStart = i end
            local j = src:find("`", i + 1, true)
            if not j then error(INCOMPLETE, 0) end
            addPart({ cmd = src:sub(i + 1, j - 1), q = false })
            i = j + 1
        else
            -- fd redirections: 2> 2>> 2>&1 1> 0<
            local fd, rop = nil, nil
            if not word and c:match("%d") then
                local digits, op = src:match("^(%d)([<>])", i)
                if digits then fd, rop = tonumber(digits), op end
            end
            local op = nil
            if fd then
                i = i + 1
                c = rop
            end
            for _, o in ipairs(OPS) do
                if src:sub(i, i + #o - 1) == o then op = o break end
            end
            if op and (fd == nil or op:match("^[<>]")) then
                endWord()
                if op == "<<" or op == "<<-" then
                    local tok = { type = "redir", op = "<<", strip = op == "<<-", fd = fd or 0, pos = i }
                    toks[#toks + 1] = tok
                    heredocs[#heredocs + 1] = { tok = tok, tokIndex = #toks }
                    toks.heredocs[#toks.heredocs + 1] = tok
                elseif op == ">" or op == ">>" or op == "<" or op == ">&" or op == "<&" then
                    if op == ">" and src:sub(i + 1, i + 1) == "|" then i = i + 1 end -- >| same as >
                    toks[#toks + 1] = { type = "redir", op = op, fd = fd or (op:sub(1, 1) == "<" and 0 or 1), pos = i }
                elseif op == "&" and src:sub(i + 1, i + 1) == ">" and not fd then
                    -- &> file: stdout and stderr
                    local two = src:sub(i + 2, i + 2) == ">"
                    toks[#toks + 1] = { type = "redir", op = two and ">>" or ">", fd = 1, both = true, pos = i }
                    i = i + (two and 1 or 0) + 1
                else
                    toks[#toks + 1] = { type = "op", op = op, pos = i }
                end
                i = i + #op
                if op == "\n" and #heredocs > 0 then readHeredocs() end
            else
                if not word then wordStart = i end
                if c == "*" then addPart({ s = "\1", q = false }) i = i + 1
                elseif c == "?" then addPart({ s = "\2", q = false }) i = i + 1
                elseif c == "[" then
                    local j = src:find("]", i + 2, true)
                    if j and not src:sub(i + 1, j - 1):find("[/%s]") then
                        addPart({ s = "\3" .. src:sub(i + 1, j - 1) .. "\4", q = false })
                        i = j + 1
                    else
                        addPart({ s = "[", q = false }) i = i + 1
                    end
                else
                    local j = i
                    while j <= n and not src:sub(j, j):find("[%s\\'\"%$`|&;()<>*?%[#]") do j = j + 1 end
                    if j == i then j = i + 1 end -- '#' inside a word
                    addPart({ s = src:sub(i, j - 1), q = false })
                    i = j
                end
            end
        end
    end
    endWord()
    if #heredocs > 0 then error(INCOMPLETE, 0) end -- a here-document with no body yet
    toks[#toks + 1] = { type = "eof", pos = n + 1 }
    return toks
end

-- The source of a command from startPos to endPos, for running it again in a child shell
-- (sh -c TEXT): with the bodies of its here-documents that lie after that range, so the
-- text parses alone.
local function commandText(src, toks, startPos, endPos)
    local text = src:sub(startPos, endPos):gsub("%s+$", "")
    local blocks = {}
    for _, t in ipairs(toks.heredocs) do
        if t.block and t.pos >= startPos and t.pos <= endPos and t.blockStart > endPos then
            blocks[#blocks + 1] = t.block
        end
    end
    if #blocks == 0 then return text end
    return text .. "\n" .. table.concat(blocks)
end

------------------------------------------------------------------------------
-- Parser
------------------------------------------------------------------------------

local RESERVED = {
    ["if"] = true, ["then"] = true, ["elif"] = true, ["else"] = true, ["fi"] = true,
    ["while"] = true, ["until"] = true, ["do"] = true, ["done"] = true, ["for"] = true,
    ["in"] = true, ["{"] = true, ["}"] = true, ["!"] = true, ["case"] = true, ["esac"] = true,
}

local function tokText(t)
    if t.type == "eof" then return "end of file" end
    if t.type == "op" then return t.op == "\n" and "newline" or t.op end
    if t.type == "redir" then return t.op end
    return t.lit or "word"
end

local function parse(src)
    local toks = lex(src)
    local p = 1
    local function peek() return toks[p] end
    local function nextTok() local t = toks[p] p = p + 1 return t end
    local function isOp(op) local t = toks[p] return t.type == "op" and t.op == op end
    local function isWord(w) local t = toks[p] return t.type == "word" and t.lit == w end
    local function unexpected()
        local t = toks[p]
        if t.type == "eof" then error(INCOMPLETE, 0) end
        syntaxError("syntax error near unexpected token `" .. tokText(t) .. "'")
    end
    local function skipNewlines() while isOp("\n") do p = p + 1 end end
    local function expectWord(w)
        skipNewlines()
        if not isWord(w) then unexpected() end
        p = p + 1
    end

    local parseList

    local function parseRedir(cmd)
        local r = nextTok()
        local target = peek()
        if target.type ~= "word" then unexpected() end
        p = p + 1
        cmd.redirs = cmd.redirs or {}
        cmd.redirs[#cmd.redirs + 1] = { fd = r.fd, op = r.op, target = target, both = r.both, heredoc = r.heredoc }
    end

    local function parseRedirs(cmd)
        while peek().type == "redir" do parseRedir(cmd) end
        return cmd
    end

    local parseCommandInner
    local function parseCommand()
        local startPos = peek().pos
        local node = parseCommandInner()
        if node.type ~= "simple" then
            node.bodyText = commandText(src, toks, startPos, peek().pos - 1)
            parseRedirs(node)
        end
        node.text = commandText(src, toks, startPos, peek().pos - 1)
        return node
    end

    function parseCommandInner()
        local t = peek()
        if t.type == "word" and t.lit then
            local w = t.lit
            if w == "if" then
                p = p + 1
                local node = { type = "if", clauses = {} }
                local cond = parseList({ ["then"] = true })
                expectWord("then")
                local body = parseList({ ["elif"] = true, ["else"] = true, ["fi"] = true })
                node.clauses[1] = { cond = cond, body = body }
                while true do
                    skipNewlines()
                    if isWord("elif") then
                        p = p + 1
                        local c = parseList({ ["then"] = true })
                        expectWord("then")
                        local b = parseList({ ["elif"] = true, ["else"] = true, ["fi"] = true })
                        node.clauses[#node.clauses + 1] = { cond = c, body = b }
                    elseif isWord("else") then
                        p = p + 1
                        node.elseBody = parseList({ ["fi"] = true })
                        expectWord("fi")
                        break
                    elseif isWord("fi") then
                        p = p + 1
                        break
                    else
                        unexpected()
                    end
                end
                return node
            elseif w == "while" or w == "until" then
                p = p + 1
                local cond = parseList({ ["do"] = true })
                expectWord("do")
                local body = parseList({ ["done"] = true })
                expectWord("done")
                return { type = "while", untilLoop = (w == "until"), cond = cond, body = body }
            elseif w == "for" then
                p = p + 1
                local nameTok = nextTok()
                if nameTok.type ~= "word" or not (nameTok.lit and nameTok.lit:match("^[%a_][%w_]*$")) then
                    p = p - 1
                    if nameTok.type == "eof" then error(INCOMPLETE, 0) end
                    syntaxError("`" .. tokText(nameTok) .. "': not a valid identifier")
                end
                local node = { type = "for", var = nameTok.lit, words = nil }
                skipNewlines()
                if isWord("in") then
                    p = p + 1
                    node.words = {}
                    while peek().type == "word" do node.words[#node.words + 1] = nextTok() end
                    if isOp(";") or isOp("\n") then p = p + 1 elseif peek().type == "eof" then error(INCOMPLETE, 0) else unexpected() end
                elseif isOp(";") then
                    p = p + 1
                end
                expectWord("do")
                node.body = parseList({ ["done"] = true })
                expectWord("done")
                return node
            elseif w == "{" then
                p = p + 1
                local body = parseList({ ["}"] = true })
                expectWord("}")
                return { type = "group", body = body }
            elseif w == "case" then
                -- case WORD in [(]PATTERN[|PATTERN]...) LIST ;; ... esac
                p = p + 1
                local subject = peek()
                if subject.type ~= "word" then unexpected() end
                p = p + 1
                expectWord("in")
                local node = { type = "case", word = subject, clauses = {} }
                while true do
                    skipNewlines()
                    if isWord("esac") then p = p + 1 break end
                    if isOp("(") then p = p + 1 end
                    local patterns = {}
                    while true do
                        if peek().type ~= "word" then unexpected() end
                        patterns[#patterns + 1] = nextTok()
                        if not isOp("|") then break end
                        p = p + 1
                    end
                    if not isOp(")") then unexpected() end
                    p = p + 1
                    skipNewlines()
                    local body = nil -- a clause may have no commands
                    if not (isOp(";;") or isWord("esac")) then body = parseList({ ["esac"] = true }, ";;") end
                    node.clauses[#node.clauses + 1] = { patterns = patterns, body = body }
                    skipNewlines()
                    if isOp(";;") then p = p + 1
                    elseif not isWord("esac") then unexpected() end
                end
                return node
            elseif w == "then" or w == "elif" or w == "else" or w == "fi" or w == "do" or w == "done" or w == "}" or w == "in"
                or w == "esac" then
                unexpected()
            end
        end
        -- NAME () COMPOUND: a function definition
        if t.type == "word" and t.lit and t.lit:match("^[%a_][%w_%-%.]*$") and not RESERVED[t.lit]
            and toks[p + 1].type == "op" and toks[p + 1].op == "(" and toks[p + 2].type == "op" and toks[p + 2].op == ")" then
            p = p + 3
            skipNewlines()
            local bt = peek()
            if bt.type == "eof" then error(INCOMPLETE, 0) end
            if not ((bt.type == "word" and (bt.lit == "{" or bt.lit == "if" or bt.lit == "while" or bt.lit == "until" or bt.lit == "for"
                    or bt.lit == "case"))
                or (bt.type == "op" and bt.op == "(")) then
                unexpected()
            end
            local body = parseCommand()
            return { type = "funcdef", name = t.lit, body = body }
        end
        if isOp("(") then
            p = p + 1
            local innerStart = peek().pos
            local body = parseList({}, ")")
            skipNewlines()
            if not isOp(")") then unexpected() end
            local inner = src:sub(innerStart, peek().pos - 1)
            p = p + 1
            return { type = "subshell", body = body, inner = inner }
        end
        -- simple command
        local cmd = { type = "simple", assigns = {}, words = {} }
        while true do
            t = peek()
            if t.type == "redir" then
                parseRedir(cmd)
            elseif t.type == "word" then
                local first = t.parts[1]
                if #cmd.words == 0 and first and first.s and not first.q then
                    local name, rest = first.s:match("^([%a_][%w_]*)=(.*)$")
                    if name then
                        local parts = { { s = rest, q = false } }
                        for k = 2, #t.parts do parts[#parts + 1] = t.parts[k] end
                        cmd.assigns[#cmd.assigns + 1] = { name = name, value = { type = "word", parts = parts } }
                        p = p + 1
                        goto continue
                    end
                end
                cmd.words[#cmd.words + 1] = t
                p = p + 1
            else
                break
            end
            ::continue::
        end
        if #cmd.words == 0 and #cmd.assigns == 0 and not cmd.redirs then unexpected() end
        return cmd
    end

    local function parsePipeline()
        local node = { type = "pipeline", cmds = {} }
        if isWord("!") then p = p + 1 node.negate = true end
        node.cmds[1] = parseCommand()
        while isOp("|") do
            p = p + 1
            skipNewlines()
            node.cmds[#node.cmds + 1] = parseCommand()
        end
        return node
    end

    local function parseAndOr()
        local startPos = peek().pos
        local node = { type = "andor", first = parsePipeline(), rest = {} }
        while isOp("&&") or isOp("||") do
            local op = nextTok().op
            skipNewlines()
            node.rest[#node.rest + 1] = { op = op, pipeline = parsePipeline() }
        end
        node.text = commandText(src, toks, startPos, peek().pos - 1)
        return node
    end

    -- terms: reserved words that end this list; closer: an operator that does
    function parseList(terms, closer)
        local list = { type = "list", items = {} }
        while true do
            skipNewlines()
            local t = peek()
            if t.type == "eof" then break end
            if t.type == "word" and t.lit and terms[t.lit] then break end
            if closer and t.type == "op" and t.op == closer then break end
            if t.type == "op" and t.op ~= "(" then unexpected() end
            local item = { node = parseAndOr() }
            list.items[#list.items + 1] = item
            if isOp("&") then p = p + 1 item.bg = true
            elseif isOp(";") or isOp("\n") then p = p + 1
            else
                t = peek()
                if not (t.type == "eof" or (t.type == "word" and t.lit and terms[t.lit]) or (closer and t.type == "op" and t.op == closer)) then
                    unexpected()
                end
            end
        end
        if next(terms) ~= nil or closer then
            -- a compound command's list must not be empty and must be closed
            if #list.items == 0 then
                if peek().type == "eof" then error(INCOMPLETE, 0) end
                unexpected()
            end
            if peek().type == "eof" then error(INCOMPLETE, 0) end
        end
        return list
    end

    local list = parseList({})
    if peek().type ~= "eof" then unexpected() end
    return list
end

------------------------------------------------------------------------------
-- Variables and expansion
------------------------------------------------------------------------------

local function getVar(name)
    if name == "?" then return tostring(S.status) end
    if name == "$" then return tostring(S.pid) end
    if name == "!" then return S.lastBg and tostring(S.lastBg) or "" end
    if name == "#" then return tostring(S.positional.n) end
    if name == "0" then return S.name end
    if name:match("^%d+$") then return S.positional[tonumber(name)] end
    if name == "@" then return concat(S.positional, " ", 1, S.positional.n) end
    if name == "*" then -- joined with the first character of IFS (a space when IFS is unset)
        local ifs = getVar("IFS")
        return concat(S.positional, ifs == nil and " " or ifs:sub(1, 1), 1, S.positional.n)
    end
    local v = S.locals[name]
    if v == nil then v = S.vars[name] end
    if v ~= nil then return tostring(v) end
    if name == "PWD" then return syscall.getcwd() end
    return nil
end

local function setVar(name, value)
    if S.vars[name] ~= nil or S.exported and S.exported[name] then
        S.vars[name] = value
        S.locals[name] = nil
    else
        S.locals[name] = value
    end
end

-- Remember a variable's value (shell and environment) so restoreVars can put it back
-- (local, and NAME=value before a built-in).
local function saveVar(list, name)
    list[#list + 1] = { name = name, shellValue = S.locals[name], envValue = S.vars[name] }
end

local function restoreVars(list)
    for i = #list, 1, -1 do
        local e = list[i]
        S.locals[e.name], S.vars[e.name] = e.shellValue, e.envValue
    end
end

local runString  -- forward
local runCapture -- forward

-- Arithmetic expansion $(( )): C-like integer expressions, as in POSIX sh and bash —
-- precedence (low to high): , ; = += -= *= /= %= <<= >>= &= ^= |= ; ?: ; || ; && ; | ; ^ ; & ;
-- == != ; < <= > >= ; << >> ; + - ; * / % ; ** ; unary ! ~ + - ++ -- ; postfix ++ --.
-- Division truncates toward zero; && || ?: skip the side effects of what they do not evaluate;
-- a variable holding an expression is evaluated in turn. Values are exact up to 2^53
-- (the bitwise operators work on 32 bits: Lua integers are 32-bit here).
local ARITH_OPS = { "<<=", ">>=", "**", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "+=", "-=", "*=", "/=",
    "%=", "&=", "^=", "|=", "=", "?", ":", "(", ")", "+", "-", "*", "/", "%", "<", ">", "&", "^", "|", "!", "~", "," }

local function arithError(msg) error({ expansion = "arithmetic: " .. msg }, 0) end

local function toInt(v) -- for the bitwise operators
    if v ~= v or v >= 2^31 or v < -2^31 then v = v % 2^32 if v >= 2^31 then v = v - 2^32 end end
    return math.tointeger(v) or math.floor(v)
end

local arithDepth = 0
local evalArith

local function fmtNum(v) return v == 0 and "0" or string.format("%.0f", v) end

local function arithValue(name)
    local v = getVar(name)
    if v == nil or v == "" then return 0 end
    if v:match("^%s*[+-]?%d+%s*$") then return tonumber(v) end -- anything else is an expression
    arithDepth = arithDepth + 1
    if arithDepth > 32 then arithDepth = 0 arithError(name .. ": expression recursion level exceeded") end
    local r = evalArith(v)
    arithDepth = arithDepth - 1
    return r
end

function evalArith(expr)
    local toks, i, n = {}, 1, #expr
    while i <= n do
        local c = expr:sub(i, i)
        if c:match("%s") then i = i + 1
        elseif c:match("%d") then
            local hex = expr:match("^0[xX]%x+", i)
            local num = hex or expr:match("^%d+", i)
            local v
            if hex then v = tonumber(hex:sub(3), 16)
            elseif #num > 1 and num:sub(1, 1) == "0" then v = tonumber(num, 8) if not v then arithError("value too great for base (error token is \"" .. num .. "\")") end
            else v = tonumber(num) end
            toks[#toks + 1] = { num = v }
            i = i + #num
            if expr:sub(i, i):match("[%w_]") then arithError("syntax error in expression (error token is \"" .. expr:sub(i - #num) .. "\")") end
        elseif c:match("[%a_]") then
            local name = expr:match("^[%a_][%w_]*", i)
            toks[#toks + 1] = { name = name }
            i = i + #name
        else
            local op
            for _, o in ipairs(ARITH_OPS) do if expr:sub(i, i + #o - 1) == o then op = o break end end
            if not op then arithError("syntax error: invalid arithmetic operator (error token is \"" .. expr:sub(i) .. "\")") end
            toks[#toks + 1] = { op = op }
            i = i + #op
        end
    end
    local p = 1
    local function peekOp() local t = toks[p] return t and t.op end
    local function bad()
        local rest = {}
        for k = p, #toks do local t = toks[k] rest[#rest + 1] = t.op or t.name or tostring(t.num) end
        arithError("syntax error in expression (error token is \"" .. (#rest > 0 and concat(rest, " ") or expr) .. "\")")
    end
    local function store(name, v, skip)
        if not skip then setVar(name, fmtNum(v)) end
        return v
    end

    local comma
    local function truthy(v) return v ~= 0 end

    -- each parse function takes `skip` (evaluate for syntax only) and returns a value
    local unary
    local function primary(skip)
        local t = toks[p]
        if not t then bad() end
        if t.num then p = p + 1 return t.num end
        if t.name then
            p = p + 1
            local op = peekOp()
            if op == "++" or op == "--" then
                p = p + 1
                local v = skip and 0 or arithValue(t.name)
                store(t.name, op == "++" and v + 1 or v - 1, skip)
                return v
            end
            return skip and 0 or arithValue(t.name)
        end
        if t.op == "(" then
            p = p + 1
            local v = comma(skip)
            if peekOp() ~= ")" then bad() end
            p = p + 1
            return v
        end
        bad()
    end
    function unary(skip)
        local op = peekOp()
        if op == "!" then p = p + 1 return truthy(unary(skip)) and 0 or 1 end
        if op == "~" then p = p + 1 return ~toInt(unary(skip)) end
        if op == "-" then p = p + 1 return -unary(skip) end
        if op == "+" then p = p + 1 return unary(skip) end
        if op == "++" or op == "--" then
            p = p + 1
            local t = toks[p]
            if not (t and t.name) then bad() end
            p = p + 1
            local v = (skip and 0 or arithValue(t.name)) + (op == "++" and 1 or -1)
            return store(t.name, v, skip)
        end
        return primary(skip)
    end
    local function power(skip)
        local base = unary(skip)
        if peekOp() == "**" then
            p = p + 1
            local e = power(skip) -- right associative
            if skip then return 0 end
            if e < 0 then arithError("exponent less than 0") end
            return base ^ e
        end
        return base
    end
    -- Binary operators; `a OP= b` uses the same ones.
    local function divide(op, a, b)
        if b == 0 then arithError("division by 0") end
        local q = a / b
        q = q < 0 and math.ceil(q) or math.floor(q)
        if op == "/" then return q end
        return a - b * q
    end
    local function bool(x) return x and 1 or 0 end
    local BINARY = {
        ["*"] = function(a, b) return a * b end,
        ["/"] = function(a, b) return divide("/", a, b) end,
        ["%"] = function(a, b) return divide("%", a, b) end,
        ["+"] = function(a, b) return a + b end,
        ["-"] = function(a, b) return a - b end,
        ["<<"] = function(a, b) return toInt(a) << toInt(b) end,
        [">>"] = function(a, b) return toInt(a) >> toInt(b) end,
        ["<"] = function(a, b) return bool(a < b) end,
        ["<="] = function(a, b) return bool(a <= b) end,
        [">"] = function(a, b) return bool(a > b) end,
        [">="] = function(a, b) return bool(a >= b) end,
        ["=="] = function(a, b) return bool(a == b) end,
        ["!="] = function(a, b) return bool(a ~= b) end,
        ["&"] = function(a, b) return toInt(a) & toInt(b) end,
        ["^"] = function(a, b) return toInt(a) ~ toInt(b) end,
        ["|"] = function(a, b) return toInt(a) | toInt(b) end,
    }
    -- One precedence level: operands from `next`, joined by the operators in `ops`.
    local function binary(next, ops)
        return function(skip)
            local v = next(skip)
            while ops[peekOp() or ""] do
                local op = peekOp()
                p = p + 1
                local r = next(skip)
                if not skip then v = BINARY[op](v, r) end
            end
            return v
        end
    end
    local mul = binary(power, { ["*"] = true, ["/"] = true, ["%"] = true })
    local add = binary(mul, { ["+"] = true, ["-"] = true })
    local shift = binary(add, { ["<<"] = true, [">>"] = true })
    local rel = binary(shift, { ["<"] = true, ["<="] = true, [">"] = true, [">="] = true })
    local eq = binary(rel, { ["=="] = true, ["!="] = true })
    local band = binary(eq, { ["&"] = true })
    local bxor = binary(band, { ["^"] = true })
    local bor = binary(bxor, { ["|"] = true })
    local function land(skip)
        local v = bor(skip)
        while peekOp() == "&&" do
            p = p + 1
            local r = bor(skip or not truthy(v))
            if not skip then v = (truthy(v) and truthy(r)) and 1 or 0 end
        end
        return v
    end
    local function lor(skip)
        local v = land(skip)
        while peekOp() == "||" do
            p = p + 1
            local r = land(skip or truthy(v))
            if not skip then v = (truthy(v) or truthy(r)) and 1 or 0 end
        end
        return v
    end
    local assign
    local function ternary(skip)
        local c = lor(skip)
        if peekOp() ~= "?" then return c end
        p = p + 1
        local a = assign(skip or not truthy(c))
        if peekOp() ~= ":" then bad() end
        p = p + 1
        local b = ternary(skip or truthy(c))
        if skip then return 0 end
        return truthy(c) and a or b
    end
    local COMPOUND = { ["+="] = "+", ["-="] = "-", ["*="] = "*", ["/="] = "/", ["%="] = "%", ["<<="] = "<<", [">>="] = ">>",
        ["&="] = "&", ["^="] = "^", ["|="] = "|" }
    function assign(skip)
        local t, nt = toks[p], toks[p + 1]
        if t and t.name and nt and (nt.op == "=" or COMPOUND[nt.op]) then
            p = p + 2
            local r = assign(skip)
            if skip then return 0 end
            local op = COMPOUND[nt.op]
            return store(t.name, op and BINARY[op](arithValue(t.name), r) or r, false)
        end
        return ternary(skip)
    end
    function comma(skip)
        local v = assign(skip)
        while peekOp() == "," do p = p + 1 v = assign(skip) end
        return v
    end
    if #toks == 0 then return 0 end
    local v = comma(false)
    if p <= #toks then bad() end
    return v
end

local function arith(expr)
    -- $name, ${name}, $1, $?, $#... are expanded first, then the text is evaluated
    local e = expr:gsub("%$(%b{})", function(b) return getVar(b:sub(2, -2)) or "" end)
    e = e:gsub("%$([%a_][%w_]*)", function(name) return getVar(name) or "" end)
    e = e:gsub("%$([%d%?#%$!])", function(c) return getVar(c) or "" end)
    arithDepth = 0
    local v = evalArith(e)
    if v ~= v or v == math.huge or v == -math.huge then arithError("result out of range") end
    return fmtNum(v)
end

local expandWordParts -- forward

-- Split value into fields on the characters of $IFS (POSIX field splitting): IFS whitespace
-- (space, tab, newline) around a field is dropped and runs of it are one delimiter; each other
-- IFS character is a delimiter of its own (so "a::b" on ":" has an empty field in the middle).
-- With max, the last field is the rest of the value (what `read` gives its last name). Also
-- returns whether the value starts with IFS whitespace and whether it ends with a delimiter.
-- An unset IFS is space, tab and newline; an empty one splits nothing.
local function splitIFS(value, max)
    local ifs = getVar("IFS") or " \t\n"
    if ifs == "" then return value ~= "" and { value } or {}, false, false end
    local white, other = {}, {}
    for c in ifs:gmatch(".") do
        if c == " " or c == "\t" or c == "\n" then white[c] = true else other[c] = true end
    end
    local fields = {}
    local i, n = 1, #value
    while i <= n and white[value:sub(i, i)] do i = i + 1 end
    local startsWhite = i > 1
    local endsDelim = false
    while i <= n do
        if max and #fields == max - 1 then
            local j = n
            while j >= i and white[value:sub(j, j)] do j = j - 1 end
            fields[#fields + 1] = value:sub(i, j)
            return fields, startsWhite, false
        end
        local j = i
        while j <= n and not white[value:sub(j, j)] and not other[value:sub(j, j)] do j = j + 1 end
        fields[#fields + 1] = value:sub(i, j - 1)
        endsDelim = j <= n
        if not endsDelim then break end
        while j <= n and white[value:sub(j, j)] do j = j + 1 end
        if j <= n and other[value:sub(j, j)] then
            j = j + 1
            while j <= n and white[value:sub(j, j)] do j = j + 1 end
        end
        i = j
    end
    return fields, startsWhite, endsDelim
end

local function globToPattern(seg)
    local out = { "^" }
    local i = 1
    while i <= #seg do
        local c = seg:sub(i, i)
        if c == "\1" then out[#out + 1] = ".*"
        elseif c == "\2" then out[#out + 1] = "."
        elseif c == "\3" then
            local j = seg:find("\4", i, true)
            local class = seg:sub(i + 1, j - 1):gsub("^!", "^"):gsub("%%", "%%%%")
            out[#out + 1] = "[" .. class .. "]"
            i = j
        else
            out[#out + 1] = c:gsub("[%^%$%(%)%%%.%[%]%*%+%-%?]", "%%%0")
        end
        i = i + 1
    end
    out[#out + 1] = "$"
    return concat(out)
end

local function paramValue(part)
    local name = part.var
    if name:sub(1, 1) == "#" and #name > 1 then
        return tostring(#(getVar(name:sub(2)) or ""))
    end
    local v = getVar(name)
    if part.op then
        local op, word = part.op, part.word
        local unsetOrEmpty = v == nil or (op:sub(1, 1) == ":" and v == "")
        local kind = op:sub(-1)
        local function wordValue()
            local fields = expandWordParts(lex(word)[1] and lex(word)[1].parts or {}, true)
            return fields[1] or ""
        end
        if kind == "-" then
            if unsetOrEmpty then v = word ~= "" and wordValue() or "" end
        elseif kind == "=" then
            if unsetOrEmpty then v = word ~= "" and wordValue() or "" setVar(name, v) end
        elseif kind == "+" then
            v = (not unsetOrEmpty) and (word ~= "" and wordValue() or "") or ""
        elseif kind == "?" then
            if unsetOrEmpty then
                error({ expansion = name .. ": " .. (word ~= "" and wordValue() or "parameter null or not set") }, 0)
            end
        elseif kind == "#" or kind == "%" then
            -- remove the shortest (# %) or longest (## %%) matching prefix / suffix
            v = v or ""
            local pat = globToPattern(word ~= "" and (function()
                local toks = lex(word)
                local parts = toks[1] and toks[1].type == "word" and toks[1].parts or {}
                local out = {}
                for _, part in ipairs(parts) do
                    if part.s then out[#out + 1] = part.q and part.s:gsub("[\1-\4]", "") or part.s
                    elseif part.var then out[#out + 1] = (paramValue(part) or ""):gsub("[\1-\4]", "") end
                end
                return table.concat(out)
            end)() or "")
            local longest = #op == 2
            local n = #v
            if kind == "#" then
                for k = (longest and n or 0), (longest and 0 or n), (longest and -1 or 1) do
                    if v:sub(1, k):find(pat) then v = v:sub(k + 1) break end
                end
            else
                for k = (longest and 1 or n + 1), (longest and n + 1 or 1), (longest and 1 or -1) do
                    if v:sub(k):find(pat) then v = v:sub(1, k - 1) break end
                end
            end
        end
    end
    return v
end


local function glob(pattern)
    local absolute = pattern:sub(1, 1) == "/"
    local segs = {}
    for seg in pattern:gmatch("[^/]+") do segs[#segs + 1] = seg end
    local results = {}
    local cwd = syscall.getcwd()
    local function full(rel)
        if absolute then return "/" .. rel end
        if rel == "" then return cwd end
        return (cwd == "/" and "" or cwd) .. "/" .. rel
    end
    local function walk(rel, i)
        if i > #segs then results[#results + 1] = rel return end
        local seg = segs[i]
        local function join(name) return rel == "" and name or rel .. "/" .. name end
        if seg:find("[\1\2\3]") then
            local ok, names = pcall(syscall.list, full(rel))
            if not ok or type(names) ~= "table" then return end
            sort(names)
            local pat = globToPattern(seg)
            local dotOk = seg:sub(1, 1) == "."
            for _, name in ipairs(names) do
                if (dotOk or name:sub(1, 1) ~= ".") and name:find(pat) then
                    if i == #segs then walk(join(name), i + 1)
                    else
                        local okS, st = pcall(syscall.stat, full(join(name)))
                        if okS and st and st.type == "directory" then walk(join(name), i + 1) end
                    end
                end
            end
        else
            local nextRel = join(seg)
            if i == #segs then
                local okS, st = pcall(syscall.stat, full(nextRel), true)
                if okS and st then walk(nextRel, i + 1) end
            else
                walk(nextRel, i + 1)
            end
        end
    end
    walk("", 1)
    if absolute then for k = 1, #results do results[k] = "/" .. results[k] end end
    return results
end

-- Expand the parts of one word into a list of fields.
-- noSplit: assignment values and here-strings (no field splitting, no glob).
function expandWordParts(parts, noSplit)
    local fields = {}
    local cur, curHas, curGlob = {}, false, false
    local function add(s, isGlob)
        cur[#cur + 1] = s
        if isGlob then curGlob = true end
        curHas = true
    end
    local function finish()
        if curHas then
            local text = concat(cur)
            if curGlob and not noSplit then
                local matches = glob(text)
                if #matches == 0 then fields[#fields + 1] = unglob(text)
                else for _, m in ipairs(matches) do fields[#fields + 1] = m end end
            else
                fields[#fields + 1] = noSplit and unglob(text) or text
            end
        end
        cur, curHas, curGlob = {}, false, false
    end
    local function addSplit(value, quoted)
        if quoted or noSplit then add((value:gsub("[\1-\4]", "")), false) return end
        -- field splitting on $IFS: text before and after joins the first and last field
        -- unless the value starts with IFS whitespace / ends with a delimiter
        local pieces, startsWhite, endsDelim = splitIFS(value)
        if startsWhite and curHas then finish() end
        for k, piece in ipairs(pieces) do
            if k > 1 then finish() end
            add(piece, false)
        end
        if endsDelim and curHas then finish() end
    end
    for idx, part in ipairs(parts) do
        if part.s then
            local s = part.s
            if idx == 1 and not part.q and (s == "~" or s:sub(1, 2) == "~/") and not noSplit then
                s = (getVar("HOME") or "/") .. s:sub(2)
                add(s, false)
            elseif idx == 1 and not part.q and noSplit and (s == "~" or s:sub(1, 2) == "~/") then
                add((getVar("HOME") or "/") .. s:sub(2), false)
            else
                if part.q then add(s, false) else add(s, s:find("[\1\2\3]") ~= nil) end
            end
            if part.q then curHas = true end
        elseif part.var then
            if (part.var == "@") and part.q and not noSplit then
                for k = 1, S.positional.n do
                    if k > 1 then finish() end
                    add(S.positional[k], false)
                end
                if S.positional.n == 0 then -- "$@" with no arguments gives no field
                end
            else
                local v = paramValue(part)
                if v ~= nil then addSplit(v, part.q) end
                if part.q then curHas = true end
            end
        elseif part.cmd then
            local text = runCapture(part.cmd):gsub("\n+$", "")
            addSplit(text, part.q)
            if part.q then curHas = true end
        elseif part.arith then
            addSplit(arith(part.arith), part.q)
        end
    end
    finish()
    return fields
end

-- A case pattern as glob text (\1 * \2 ? \3[ \4] magic): quoted text matches itself; unquoted text,
-- variables and substitutions keep * ? [...] as patterns, as in POSIX sh.
local function casePattern(word)
    local out = {}
    for _, part in ipairs(word.parts) do
        local v
        if part.s then v = part.s -- literal text: unquoted, it already carries its magic
        elseif part.var then v = paramValue(part) or ""
        elseif part.cmd then v = runCapture(part.cmd):gsub("\n+$", "")
        elseif part.arith then v = arith(part.arith)
        end
        if part.q then
            v = v:gsub("[\1-\4]", "") -- matches itself
        elseif not part.s then
            -- an unquoted expansion's * ? [...] are pattern characters
            v = v:gsub("[\1-\4]", ""):gsub("%*", "\1"):gsub("%?", "\2"):gsub("%[([^%]/]+)%]", "\3%1\4")
        end
        out[#out + 1] = v
    end
    return concat(out)
end

local function expandWords(words)
    local argv = {}
    for _, w in ipairs(words) do
        for _, f in ipairs(expandWordParts(w.parts)) do argv[#argv + 1] = f end
    end
    return argv
end

local function expandOne(word)
    local fields = expandWordParts(word.parts)
    if #fields ~= 1 then
        if #fields == 0 then return nil, "ambiguous redirect" end
        return nil, "ambiguous redirect"
    end
    return fields[1]
end

local function expandString(word)
    return expandWordParts(word.parts, true)[1] or ""
end

------------------------------------------------------------------------------
-- Paths and commands
------------------------------------------------------------------------------

local function statOf(path)
    local ok, st = pcall(syscall.stat, path)
    if ok and type(st) == "table" then return st end
    return nil
end

-- Find a command: returns path, or nil, message, status.
local function findCommand(name)
    if name:find("/", 1, true) then
        local st = statOf(name)
        if st and st.type ~= "directory" then return name end
        local st2 = statOf(name .. ".lua")
        if st2 and st2.type ~= "directory" then return name .. ".lua" end
        if st and st.type == "directory" then return nil, name .. ": Is a directory", 126 end
        return nil, name .. ": No such file or directory", 127
    end
    local path = getVar("PATH") or "/bin:/usr/bin:/rom/bin"
    for dir in path:gmatch("[^:]+") do
        local base = dir:sub(-1) == "/" and dir or dir .. "/"
        local st = statOf(base .. name)
        if st and st.type ~= "directory" then return base .. name end
        st = statOf(base .. name .. ".lua")
        if st and st.type ~= "directory" then return base .. name .. ".lua" end
    end
    return nil, name .. ": command not found", 127
end

------------------------------------------------------------------------------
-- Processes, pipes and jobs
------------------------------------------------------------------------------

local children = {}   -- pid -> { status = n | nil, stopped = bool, job = job }

local pipeSupport = nil
local function makePipe()
    if pipeSupport == false then return nil end
    local ok, r, w = pcall(syscall.pipe)
    if ok and r then pipeSupport = true return r, w end
    pipeSupport = false
    return nil
end

local function statusOf(p)
    if type(p.result) == "number" then return math.tointeger(p.result) or p.result end
    if p.signal then return 128 + p.signal end
    if p.error ~= nil then return 1 end
    return 0
end

local notify -- forward

local function handleEvent(name, p)
    if type(p) ~= "table" then return end
    if name == "process_complete" then
        local pid = p.id or p.pid
        local c = children[pid]
        if c then
            c.status = statusOf(p)
            c.stopped = false
            if c.job then notify(c.job) end
        end
    elseif name == "process_stopped" then
        local c = children[p.id or p.pid]
        if c then c.stopped = true if c.job then notify(c.job) end end
    elseif name == "process_continued" then
        local c = children[p.id or p.pid]
        if c then c.stopped = false end
    end
end

local function drainEvents()
    while true do
        local ok, name = pcall(syscall.peekEvent)
        if not ok or name == nil then return end
        local n, p = yield()
        handleEvent(n, p)
    end
end

-- A job is a pipeline started by the shell: { id, pids = {}, text, bg }
local waitJobLoop
local function jobState(job)
    local running, stopped = false, false
    for _, pid in ipairs(job.pids) do
        local c = children[pid]
        if c and c.status == nil then
            if c.stopped then stopped = true else running = true end
        end
    end
    if running then return "Running" end
    if stopped then return "Stopped" end
    return "Done"
end

local function jobStatus(job)
    local last = job.pids[#job.pids]
    local c = last and children[last]
    local st = c and c.status or 0
    if job.negate then st = (st == 0) and 1 or 0 end
    return st
end

local function jobLine(job)
    local state = jobState(job)
    local cur = (S.jobs[#S.jobs] == job) and "+" or "-"
    if state == "Done" then
        local st = jobStatus(job)
        if st ~= 0 then state = "Exit " .. st end
    end
    return ("[%d]%s  %-22s %s"):format(job.id, cur, state, job.text)
end

local function removeJob(job)
    for i, j in ipairs(S.jobs) do if j == job then remove(S.jobs, i) break end end
    for _, pid in ipairs(job.pids) do children[pid] = nil end
end

function notify(job)
    job.changed = true
end

local function reportJobs()
    local keep = {}
    for _, job in ipairs(S.jobs) do
        local state = jobState(job)
        if job.changed and job.bg and S.interactive then
            if state == "Done" or state == "Stopped" then errw(jobLine(job) .. "\n") end
        end
        job.changed = false
        if state ~= "Done" then keep[#keep + 1] = job
        elseif not job.bg then for _, pid in ipairs(job.pids) do children[pid] = nil end
        else for _, pid in ipairs(job.pids) do children[pid] = nil end end
    end
    S.jobs = keep
end

local nextJobId = 1
local function newJob(text, bg)
    local maxId = 0
    for _, j in ipairs(S.jobs) do if j.id > maxId then maxId = j.id end end
    nextJobId = maxId + 1
    local job = { id = nextJobId, pids = {}, text = text or "", bg = bg }
    S.jobs[#S.jobs + 1] = job
    return job
end

-- Wait until every process of the job ended or one stopped.
local function waitJob(job)
    local outer = S.fgJob
    S.fgJob = job
    local ok, st = pcall(function()
        return waitJobLoop(job)
    end)
    S.fgJob = outer
    if not ok then error(st, 0) end
    return st
end

function waitJobLoop(job)
    while true do
        local state = jobState(job)
        if state == "Done" then
            local st = jobStatus(job)
            removeJob(job)
            return st
        end
        local anyStopped = false
        for _, pid in ipairs(job.pids) do
            local c = children[pid]
            if c and c.status == nil and c.stopped then anyStopped = true end
        end
        if anyStopped then
            job.bg = true
            job.changed = false
            errw("\n" .. jobLine(job) .. "\n")
            return 128 + 19
        end
        handleEvent(yield())
    end
end

------------------------------------------------------------------------------
-- Redirections and stdio in children
------------------------------------------------------------------------------

local stdioSlot = { [0] = "stdin", [1] = "stdout", [2] = "stderr" }

-- A here-document's text, expanded unless its delimiter was quoted.
local function heredocText(r)
    return concat(expandWordParts(r.heredoc or {}, true))
end

-- A read handle over a string (a here-document as standard input).
local function stringReader(text)
    local pos = 1
    return {
        read = function(count)
            if pos > #text then return nil end
            local s = text:sub(pos, pos + math.max(1, tonumber(count) or 1) - 1)
            pos = pos + #s
            return s
        end,
        readLine = function()
            if pos > #text then return nil end
            local j = text:find("\n", pos, true)
            local line = text:sub(pos, (j or #text + 1) - 1)
            pos = (j or #text) + 1
            return line
        end,
        readAll = function()
            local s = text:sub(pos)
            pos = #text + 1
            return s
        end,
        close = function() end,
    }
end

-- Apply expanded redirections in a child process (only syscalls: this runs
-- in the forked child). `cur` maps fd -> the object now on that fd.
local function applyRedirs(redirs, cur)
    for _, r in ipairs(redirs or {}) do
        local fd = r.fd
        local target = r.targetStr
        if not stdioSlot[fd] then return nil, fd .. ": bad file descriptor" end
        if r.op == "<<" then
            local h = stringReader(r.text)
            syscall[stdioSlot[fd]](h)
            cur[fd] = h
        elseif r.op == ">&" or r.op == "<&" then
            local n = tonumber(target)
            if target == "-" then
                syscall[stdioSlot[fd]]()
                cur[fd] = false
            elseif n and stdioSlot[n] then
                local obj = cur[n]
                if obj == nil then
                    -- inherited: only a TTY number can be named again
                    local ok, info = pcall(syscall.getpinfo, syscall.getpid())
                    local v = ok and info and info[stdioSlot[n]]
                    if type(v) == "number" then obj = v end
                end
                if obj ~= nil then
                    if obj == false then syscall[stdioSlot[fd]]() else syscall[stdioSlot[fd]](obj) end
                    cur[fd] = obj
                end
            else
                return nil, target .. ": bad file descriptor"
            end
        else
            local mode = r.op == ">" and "w" or r.op == ">>" and "a" or "r"
            local h
            if target == "/dev/null" then
                if mode == "r" then
                    h = stringReader("")
                else
                    h = { write = function() end, close = function() end }
                end
            else
                local ok, hh, herr = pcall(syscall.open, target, mode)
                if not ok then herr = hh hh = nil end
                if not hh then
                    local msg = tostring(herr)
                    if msg:sub(1, #target + 2) == target .. ": " then msg = msg:sub(#target + 3) end
                    return nil, target .. ": " .. msg
                end
                h = hh
            end
            syscall[stdioSlot[fd]](h)
            cur[fd] = h
            if r.both then syscall.stderr(h) cur[2] = h end
        end
    end
    return true
end

-- Redirections for built-ins running inside the shell: returns an io table.
local function builtinIO(redirs)
    local io = { out = outw, err = errw, files = {} }
    for _, r in ipairs(redirs or {}) do
        if r.op == "<<" then
            if r.fd == 0 then io.input = stringReader(heredocText(r)) end
        elseif r.op == ">&" or r.op == "<&" then
            local n = tonumber(expandString(r.target))
            if r.fd == 1 and n == 2 then io.out = io.err
            elseif r.fd == 2 and n == 1 then io.err = io.out end
        else
            local target, err = expandOne(r.target)
            if not target then return nil, err end
            local mode = r.op == ">" and "w" or r.op == ">>" and "a" or "r"
            if target == "/dev/null" then
                if r.fd == 1 then io.out = function() end elseif r.fd == 2 then io.err = function() end end
            else
                local ok, h, herr = pcall(syscall.open, target, mode)
                if not ok then herr = h h = nil end
                if not h then
                    local msg = tostring(herr)
                    if msg:sub(1, #target + 2) == target .. ": " then msg = msg:sub(#target + 3) end
                    return nil, target .. ": " .. msg
                end
                io.files[#io.files + 1] = h
                if mode ~= "r" then
                    local w = function(s) h.write(s) end
                    if r.fd == 1 then io.out = w elseif r.fd == 2 then io.err = w end
                    if r.both then io.err = w end
                else
                    io.input = h
                end
            end
        end
    end
    return io
end

local function closeIO(io)
    for _, h in ipairs(io.files) do pcall(h.close) end
end

------------------------------------------------------------------------------
-- Built-ins
------------------------------------------------------------------------------

local builtins = {}

local function shQuote(s)
    if s == "" then return "''" end
    if s:match("^[%w_%-%./:=@%%+,]+$") then return s end
    return "'" .. s:gsub("'", "'\\''") .. "'"
end

builtins["cd"] = function(args, io)
    local dir = args[2]
    if args[3] then io.err(S.name .. ": cd: too many arguments\n") return 1 end
    if dir == nil then dir = getVar("HOME") or "/" end
    if dir == "-" then
        dir = getVar("OLDPWD")
        if not dir then io.err(S.name .. ": cd: OLDPWD not set\n") return 1 end
        io.out(dir .. "\n")
    end
    local old = syscall.getcwd()
    local ok, err = syscall.chdir(dir)
    if not ok then
        io.err(S.name .. ": cd: " .. dir .. ": " .. tostring(err) .. "\n")
        return 1
    end
    S.vars.OLDPWD = old
    S.vars.PWD = syscall.getcwd()
    return 0
end

builtins["pwd"] = function(args, io)
    io.out(syscall.getcwd() .. "\n")
    return 0
end

builtins["exit"] = function(args, io)
    if S.interactive and not S.exitWarned then
        drainEvents()
        for _, job in ipairs(S.jobs) do
            if jobState(job) == "Stopped" then
                io.err("There are stopped jobs.\n")
                S.exitWarned = true
                return 1
            end
        end
    end
    local code = S.status
    if args[2] then
        code = tonumber(args[2])
        if not code or math.type(code) ~= "integer" and code ~= math.floor(code) then
            io.err(S.name .. ": exit: " .. args[2] .. ": numeric argument required\n")
            code = 2
        end
    end
    S.exitRequested = math.tointeger(code) or 2
    return S.exitRequested
end

-- The NAME[=VALUE] arguments of export and local: fn(name, value or nil) for each valid one;
-- a bad name is reported. Returns the status.
local function eachAssignment(args, io, builtin, fn)
    local st = 0
    for i = 2, #args do
        local name, value = args[i]:match("^([^=]*)=(.*)$")
        if not name then name = args[i] end
        if not name:match("^[%a_][%w_]*$") then
            io.err(S.name .. ": " .. builtin .. ": `" .. args[i] .. "': not a valid identifier\n")
            st = 1
        else
            fn(name, value)
        end
    end
    return st
end

builtins["export"] = function(args, io)
    if #args == 1 or args[2] == "-p" then
        local names = {}
        for k in pairs(S.vars) do if type(k) == "string" then names[#names + 1] = k end end
        sort(names)
        for _, k in ipairs(names) do io.out("export " .. k .. "=" .. shQuote(tostring(S.vars[k])) .. "\n") end
        return 0
    end
    return eachAssignment(args, io, "export", function(name, value)
        if value == nil then value = S.locals[name] end
        S.locals[name] = nil
        S.vars[name] = value or S.vars[name] or ""
    end)
end

builtins["unset"] = function(args, io)
    local funcs = false
    for i = 2, #args do
        if args[i] == "-f" then funcs = true
        elseif args[i] ~= "-v" then
            if funcs then S.functions[args[i]] = nil
            else
                S.locals[args[i]] = nil
                S.vars[args[i]] = nil
            end
        end
    end
    return 0
end

builtins["alias"] = function(args, io)
    if #args == 1 then
        local names = {}
        for k in pairs(S.aliases) do names[#names + 1] = k end
        sort(names)
        for _, k in ipairs(names) do io.out("alias " .. k .. "=" .. shQuote(S.aliases[k]) .. "\n") end
        return 0
    end
    local st = 0
    for i = 2, #args do
        local name, value = args[i]:match("^([^=]+)=(.*)$")
        if name then
            if name:find("[%s/$`'\"]") then
                io.err(S.name .. ": alias: `" .. name .. "': invalid alias name\n")
                st = 1
            else
                S.aliases[name] = value
            end
        elseif S.aliases[args[i]] then
            io.out("alias " .. args[i] .. "=" .. shQuote(S.aliases[args[i]]) .. "\n")
        else
            io.err(S.name .. ": alias: " .. args[i] .. ": not found\n")
            st = 1
        end
    end
    return st
end

builtins["unalias"] = function(args, io)
    if #args == 1 then io.err("unalias: usage: unalias [-a] name [name ...]\n") return 2 end
    local st = 0
    for i = 2, #args do
        if args[i] == "-a" then S.aliases = {}
        elseif S.aliases[args[i]] then S.aliases[args[i]] = nil
        else io.err(S.name .. ": unalias: " .. args[i] .. ": not found\n") st = 1 end
    end
    return st
end

local function findJob(spec, io, who)
    if #S.jobs == 0 then io.err(S.name .. ": " .. who .. ": no current job\n") return nil end
    if spec == nil or spec == "%" or spec == "%%" or spec == "%+" then return S.jobs[#S.jobs] end
    if spec == "%-" then return S.jobs[#S.jobs - 1] or S.jobs[#S.jobs] end
    local n = tonumber((spec:gsub("^%%", "")))
    for _, j in ipairs(S.jobs) do if j.id == n then return j end end
    io.err(S.name .. ": " .. who .. ": " .. spec .. ": no such job\n")
    return nil
end

builtins["jobs"] = function(args, io)
    drainEvents()
    local showPids = args[2] == "-l" or args[2] == "-p"
    for _, job in ipairs(S.jobs) do
        if args[2] == "-p" then io.out(tostring(job.pids[1]) .. "\n")
        else
            local line = jobLine(job)
            if showPids then line = line:gsub("^(%[%d+%][+-]) ", "%1 " .. tostring(job.pids[1]) .. " ") end
            io.out(line .. "\n")
        end
        if jobState(job) == "Done" then job.changed = true end
    end
    reportJobs()
    return 0
end

local function continueJob(job)
    for _, pid in ipairs(job.pids) do
        local c = children[pid]
        if c and c.status == nil then
            pcall(syscall.kill, pid, 18)
            c.stopped = false
        end
    end
end

builtins["fg"] = function(args, io)
    drainEvents()
    local job = findJob(args[2], io, "fg")
    if not job then return 1 end
    io.out(job.text .. "\n")
    job.bg = false
    continueJob(job)
    return waitJob(job)
end

builtins["bg"] = function(args, io)
    drainEvents()
    local job = findJob(args[2], io, "bg")
    if not job then return 1 end
    job.bg = true
    continueJob(job)
    io.out(("[%d]+ %s &\n"):format(job.id, job.text))
    return 0
end

builtins["wait"] = function(args, io)
    local st = 0
    if #args == 1 then
        while #S.jobs > 0 do
            local job = S.jobs[1]
            if jobState(job) == "Stopped" then break end
            st = waitJob(job)
        end
        return 0
    end
    for i = 2, #args do
        local job
        if args[i]:sub(1, 1) == "%" then job = findJob(args[i], io, "wait")
        else
            local pid = tonumber(args[i])
            for _, j in ipairs(S.jobs) do for _, p in ipairs(j.pids) do if p == pid then job = j end end end
            if not job then io.err(S.name .. ": wait: pid " .. args[i] .. " is not a child of this shell\n") st = 127 end
        end
        if job then st = waitJob(job) end
    end
    return st
end

builtins["true"] = function() return 0 end
builtins[":"] = function() return 0 end
builtins["false"] = function() return 1 end

builtins["history"] = function(args, io)
    if args[2] == "-c" then S.history = {} return 0 end
    local n = tonumber(args[2] or "") or #S.history
    for i = math.max(1, #S.history - n + 1), #S.history do
        io.out(("%5d  %s\n"):format(i, S.history[i]))
    end
    return 0
end

builtins["type"] = function(args, io)
    local st = 0
    for i = 2, #args do
        local name = args[i]
        if S.aliases[name] then io.out(name .. " is aliased to `" .. S.aliases[name] .. "'\n")
        elseif RESERVED[name] then io.out(name .. " is a shell keyword\n")
        elseif S.functions[name] then io.out(name .. " is a function\n")
        elseif builtins[name] then io.out(name .. " is a shell builtin\n")
        else
            local path = findCommand(name)
            if path then io.out(name .. " is " .. path .. "\n")
            else io.err(S.name .. ": type: " .. name .. ": not found\n") st = 1 end
        end
    end
    return st
end

builtins["which"] = function(args, io)
    local st = 0
    if #args == 1 then io.err("usage: which name...\n") return 2 end
    for i = 2, #args do
        local path = findCommand(args[i])
        if path then io.out(path .. "\n") else st = 1 end
    end
    return st
end

builtins["source"] = function(args, io)
    local file = args[2]
    if not file then io.err(S.name .. ": source: filename argument required\n") return 2 end
    local path = file
    if not file:find("/", 1, true) and not statOf(file) then path = findCommand(file) or file end
    local ok, h, err = pcall(syscall.open, path, "r")
    if not ok then err = h h = nil end
    if not h then io.err(S.name .. ": " .. file .. ": " .. tostring(err) .. "\n") return 1 end
    local text = h.readAll() or ""
    h.close()
    local saved, savedSourcing = S.positional, S.sourcing
    if #args > 2 then S.positional = pack(unpack(args, 3)) end
    S.sourcing = true
    local ok, st = pcall(runString, text, file)
    S.positional, S.sourcing = saved, savedSourcing
    if not ok then
        if type(st) == "table" and st.ret ~= nil then return st.ret end
        error(st, 0)
    end
    return st
end
builtins["."] = builtins["source"]

builtins["eval"] = function(args)
    return runString(concat(args, " ", 2), "eval")
end

builtins["shift"] = function(args, io)
    local n = tonumber(args[2] or "1")
    if not n or n < 0 or n > S.positional.n then
        io.err(S.name .. ": shift: " .. tostring(args[2]) .. ": shift count out of range\n")
        return 1
    end
    local new = { n = S.positional.n - n }
    for i = 1, new.n do new[i] = S.positional[i + n] end
    S.positional = new
    return 0
end

builtins["set"] = function(args, io)
    if #args == 1 then
        local all = {}
        for k, v in pairs(S.vars) do all[k] = v end
        for k, v in pairs(S.locals) do all[k] = v end
        local names = {}
        for k in pairs(all) do names[#names + 1] = k end
        sort(names)
        for _, k in ipairs(names) do io.out(k .. "=" .. shQuote(tostring(all[k])) .. "\n") end
        return 0
    end
    local i = 2
    while args[i] and args[i]:match("^[-+]%a+$") do
        local on = args[i]:sub(1, 1) == "-"
        for f in args[i]:sub(2):gmatch(".") do
            if f == "e" then S.errexit = on
            elseif f == "x" then S.xtrace = on
            else io.err(S.name .. ": set: -" .. f .. ": invalid option\n") return 2 end
        end
        i = i + 1
    end
    if args[i] == "--" then i = i + 1 end
    if args[i] or args[i - 1] == "--" then S.positional = pack(unpack(args, i)) end
    return 0
end

builtins["read"] = function(args, io)
    local names = {}
    local raw, prompt = false, nil
    local i = 2
    while args[i] and args[i]:sub(1, 1) == "-" do
        if args[i] == "-r" then raw = true
        elseif args[i] == "-p" then prompt = args[i + 1] i = i + 1
        else io.err("read: usage: read [-r] [-p prompt] name...\n") return 2 end
        i = i + 1
    end
    for k = i, #args do names[#names + 1] = args[k] end
    if #names == 0 then names[1] = "REPLY" end
    if prompt then io.err(prompt) end
    local line
    if io.input then line = io.input.readLine() else line = syscall.readline() end
    if line == nil then return 1 end
    if not raw then line = line:gsub("\\(.)", "%1") end
    -- split on $IFS; the last name takes the rest of the line
    local fields = splitIFS(line, #names)
    for k, name in ipairs(names) do setVar(name, fields[k] or "") end
    return 0
end

-- local NAME[=VALUE]...: the names get new values for the rest of the function call (and the
-- functions it calls); the call's end gives back what they were. Without a value: unset.
builtins["local"] = function(args, io)
    local frame = S.localFrames[#S.localFrames]
    if not frame then
        io.err(S.name .. ": local: can only be used in a function\n")
        return 1
    end
    return eachAssignment(args, io, "local", function(name, value)
        if not frame.saved[name] then
            frame.saved[name] = true
            saveVar(frame, name)
        end
        S.vars[name] = nil
        S.locals[name] = value
    end)
end

builtins["return"] = function(args, io)
    if (S.funcDepth or 0) == 0 and not S.sourcing then
        io.err(S.name .. ": return: can only `return' from a function or sourced script\n")
        return 1
    end
    local n = args[2] and tonumber(args[2]) or S.status
    error({ ret = math.tointeger(n) or 0 }, 0)
end

builtins["break"] = function(args)
    if S.loopDepth == 0 then return 0 end
    S.breakN = math.min(tonumber(args[2] or "1") or 1, S.loopDepth)
    return 0
end
builtins["continue"] = function(args)
    if S.loopDepth == 0 then return 0 end
    S.continueN = math.min(tonumber(args[2] or "1") or 1, S.loopDepth)
    return 0
end

-- test / [ -----------------------------------------------------------------
local function testEval(a, io)
    local pos = 1
    local function peekA() return a[pos] end
    local orExpr
    local function primary()
        local t = a[pos]
        if t == nil then error("argument expected", 0) end
        if t == "!" then pos = pos + 1 return not primary() end
        if t == "(" then
            pos = pos + 1
            local v = orExpr()
            if a[pos] ~= ")" then error("`)' expected", 0) end
            pos = pos + 1
            return v
        end
        local u = t:match("^%-(%a)$")
        local binops = { ["="] = true, ["=="] = true, ["!="] = true, ["-eq"] = true, ["-ne"] = true,
            ["-lt"] = true, ["-le"] = true, ["-gt"] = true, ["-ge"] = true, ["-a"] = true, ["-o"] = true }
        if u and ("efdszrwxnhL"):find(u, 1, true) and a[pos + 1] ~= nil and not binops[a[pos + 1]] then
            local arg = a[pos + 1]
            pos = pos + 2
            if u == "z" then return #arg == 0 end
            if u == "n" then return #arg > 0 end
            local st
            if u == "h" or u == "L" then
                local ok, s = pcall(syscall.stat, arg, true)
                return ok and s ~= nil and s.type == "link"
            end
            local ok, s = pcall(syscall.stat, arg)
            st = ok and s or nil
            if u == "e" then return st ~= nil end
            if u == "f" then return st ~= nil and st.type == "file" end
            if u == "d" then return st ~= nil and st.type == "directory" end
            if u == "s" then return st ~= nil and (st.size or 0) > 0 end
            if st == nil then return false end
            local fs = require "system.filesystem"
            local perms = fs.effectivePermissions(st) or {}
            if u == "r" then return perms.read == true end
            if u == "w" then return perms.write == true end
            if u == "x" then return perms.execute == true end
            return false
        end
        local op = a[pos + 1]
        local rhs = a[pos + 2]
        if op and rhs ~= nil then
            local num = { ["-eq"] = true, ["-ne"] = true, ["-lt"] = true, ["-le"] = true, ["-gt"] = true, ["-ge"] = true }
            if op == "=" or op == "==" then pos = pos + 3 return t == rhs end
            if op == "!=" then pos = pos + 3 return t ~= rhs end
            if num[op] then
                local x, y = tonumber(t), tonumber(rhs)
                if not x then error(t .. ": integer expression expected", 0) end
                if not y then error(rhs .. ": integer expression expected", 0) end
                pos = pos + 3
                if op == "-eq" then return x == y elseif op == "-ne" then return x ~= y
                elseif op == "-lt" then return x < y elseif op == "-le" then return x <= y
                elseif op == "-gt" then return x > y else return x >= y end
            end
        end
        pos = pos + 1
        return #t > 0
    end
    local function andExpr()
        local v = primary()
        while peekA() == "-a" do pos = pos + 1 local r = primary() v = v and r end
        return v
    end
    function orExpr()
        local v = andExpr()
        while peekA() == "-o" do pos = pos + 1 local r = andExpr() v = v or r end
        return v
    end
    if #a == 0 then return false end
    local v = orExpr()
    if pos <= #a then error(a[pos] .. ": unexpected argument", 0) end
    return v
end

builtins["test"] = function(args, io)
    local a = { unpack(args, 2) }
    if args[1] == "[" then
        if a[#a] ~= "]" then io.err(S.name .. ": [: missing `]'\n") return 2 end
        a[#a] = nil
    end
    local ok, v = pcall(testEval, a, io)
    if not ok then io.err(S.name .. ": " .. args[1] .. ": " .. tostring(v) .. "\n") return 2 end
    return v and 0 or 1
end
builtins["["] = builtins["test"]

builtins["exec"] = function(args, io)
    if #args == 1 then return 0 end
    local path, err, st = findCommand(args[2])
    if not path then io.err(S.name .. ": " .. err .. "\n") return st end
    local ok, e = pcall(syscall.exec, path, unpack(args, 3))
    io.err(S.name .. ": exec: " .. args[2] .. ": " .. tostring(e) .. "\n")
    return 126
end


------------------------------------------------------------------------------
-- Execution
------------------------------------------------------------------------------

local execList, execNode, callFunction, execPipeline -- forward

local function xtrace(argv)
    if S.xtrace then
        local q = {}
        for i, a in ipairs(argv) do q[i] = shQuote(a) end
        errw("+ " .. concat(q, " ") .. "\n")
    end
end

-- Children -------------------------------------------------------------------
-- A child process only sets up its stdio and execs: either the program, or
-- a fresh shell (`sh -c TEXT`) for built-ins and compound commands that must
-- run in their own process. (Forked functions share the shell's Lua values,
-- so running shell code in the child would change the parent's state.)

local SH_PATH = (type(arg) == "table" and type(arg[0]) == "string") and arg[0] or "/rom/bin/sh.lua"

local function serialize(v)
    local t = type(v)
    if t == "string" then return ("%q"):format(v):gsub("\\\n", "\\n") end
    if t == "number" or t == "boolean" then return tostring(v) end
    if t == "table" then
        local out = {}
        for k, x in pairs(v) do
            local tk = type(k)
            if (tk == "string" or tk == "number") and (type(x) == "string" or type(x) == "number" or type(x) == "boolean" or type(x) == "table") then
                out[#out + 1] = "[" .. serialize(k) .. "]=" .. serialize(x)
            end
        end
        return "{" .. concat(out, ",") .. "}"
    end
    return "nil"
end

local function stateForChild()
    local funcs = {}
    for name, f in pairs(S.functions) do funcs[name] = f.text end
    return serialize({
        locals = S.locals, aliases = S.aliases, positional = S.positional, name = S.name,
        status = S.status, errexit = S.errexit, xtrace = S.xtrace, functions = funcs,
    })
end

-- Expand the redirection targets of a command (in the shell, before forking).
local function expandRedirs(redirs)
    if not redirs then return nil end
    local out = {}
    for _, r in ipairs(redirs) do
        local e = { fd = r.fd, op = r.op, both = r.both }
        if r.op == "<<" then e.text = heredocText(r)
        elseif r.op == ">&" or r.op == "<&" then e.targetStr = expandString(r.target)
        else
            local target, err = expandOne(r.target)
            if not target then return nil, err end
            e.targetStr = target
        end
        out[#out + 1] = e
    end
    return out
end

-- spec: path, argv, name, assigns, redirs (expanded), stdin (obj | false),
-- stdout (obj)
local function spawn(spec, job)
    local name = spec.name or "sh"
    local pid = syscall.fork(function()
        local cur = {}
        if spec.stdin == false then pcall(syscall.stdin) cur[0] = false
        elseif spec.stdin ~= nil then syscall.stdin(spec.stdin) cur[0] = spec.stdin end
        if spec.stdout ~= nil then syscall.stdout(spec.stdout) cur[1] = spec.stdout end
        local ok, err = applyRedirs(spec.redirs, cur)
        if not ok then
            errw(S.name .. ": " .. tostring(err) .. "\n")
            syscall.exit(1)
        end
        local env = syscall.getenv()
        for k, v in pairs(spec.assigns or {}) do env[k] = v end
        local path, argv = spec.path, spec.argv
        if path:match("%.sh$") then
            -- a shell script without "#!": run it with this shell
            argv = { SH_PATH, path, unpack(argv, 2) }
            path = SH_PATH
        end
        local okE, e = pcall(syscall.exec, path, unpack(argv, 2))
        local msg = tostring(e)
        local cmd = spec.argv[1]
        if msg:sub(1, #cmd) ~= cmd and msg:sub(1, #spec.path) ~= spec.path then msg = cmd .. ": " .. msg end
        errw(S.name .. ": " .. msg .. "\n")
        syscall.exit(126)
    end, name)
    children[pid] = { job = job }
    job.pids[#job.pids + 1] = pid
    return pid
end

-- A spec running `text` in a fresh shell with this shell's variables.
local function shellSpec(text)
    local argv = { "sh", "-c", text, S.name }
    for i = 1, S.positional.n do argv[#argv + 1] = S.positional[i] end
    return { path = SH_PATH, argv = argv, name = "sh", assigns = { __CINDER_SH = stateForChild() } }
end

-- How a command runs in a child: returns a spec, or nil, message, status.
local function childSpec(cmd)
    if cmd.type == "simple" then
        local first = cmd.words[1]
        local aliased = first and first.lit and S.aliases[first.lit]
        if #cmd.words > 0 and not aliased then
            local argv = expandWords(cmd.words)
            if #argv > 0 and not builtins[argv[1]] and not S.functions[argv[1]] then
                local path, err, st = findCommand(argv[1])
                if not path then return nil, err, st end
                local assigns = {}
                for _, a in ipairs(cmd.assigns) do assigns[a.name] = expandString(a.value) end
                local redirs, rerr = expandRedirs(cmd.redirs)
                if rerr then return nil, rerr, 1 end
                xtrace(argv)
                return { path = path, argv = argv, assigns = assigns, redirs = redirs, name = (argv[1]:match("[^/]*$"):gsub("%.lua$", "")) }
            end
        end
        return shellSpec(cmd.text)
    else
        local spec = shellSpec(cmd.type == "subshell" and cmd.inner or cmd.bodyText)
        local redirs, rerr = expandRedirs(cmd.redirs)
        if rerr then return nil, rerr, 1 end
        spec.redirs = redirs
        return spec
    end
end

-- Simple commands in the shell ------------------------------------------------

local function runSimpleInShell(cmd)
    local first = cmd.words[1]
    if first and first.lit and S.aliases[first.lit] and not (S.aliasSeen and S.aliasSeen[first.lit]) then
        -- alias: its text followed by the other words of the command
        local value = S.aliases[first.lit]
        local rest = {}
        for i = 2, #cmd.words do
            for _, f in ipairs(expandWordParts(cmd.words[i].parts)) do rest[#rest + 1] = shQuote(f) end
        end
        local prefix = {}
        for _, a in ipairs(cmd.assigns) do prefix[#prefix + 1] = a.name .. "=" .. shQuote(expandString(a.value)) end
        local redirs = {}
        for _, r in ipairs(cmd.redirs or {}) do
            local target = r.target and expandWordParts(r.target.parts, true)[1] or ""
            redirs[#redirs + 1] = (r.fd ~= (r.op:sub(1, 1) == "<" and 0 or 1) and tostring(r.fd) or "") .. r.op .. " " .. shQuote(target)
        end
        local text = concat(prefix, " ") .. " " .. value .. " " .. concat(rest, " ") .. " " .. concat(redirs, " ")
        S.aliasSeen = S.aliasSeen or {}
        S.aliasSeen[first.lit] = true
        local ok, st = pcall(runString, text, "alias")
        S.aliasSeen[first.lit] = nil
        if not ok then error(st, 0) end
        return st
    end
    S.substStatus = nil
    local argv = expandWords(cmd.words)
    if #argv == 0 then
        for _, a in ipairs(cmd.assigns) do setVar(a.name, expandString(a.value)) end
        if cmd.redirs then
            local io, err = builtinIO(cmd.redirs)
            if not io then shellError(err) return 1 end
            closeIO(io)
        end
        -- an assignment has the status of its last command substitution
        return S.substStatus or 0
    end
    xtrace(argv)
    local f = S.functions[argv[1]]
    if f then
        if cmd.redirs or #cmd.assigns > 0 then
            -- redirected: the call runs in a child shell whose stdio is redirected
            local words = {}
            for i, a in ipairs(argv) do words[i] = shQuote(a) end
            local spec = shellSpec(concat(words, " "))
            local redirs, rerr = expandRedirs(cmd.redirs)
            if rerr then shellError(rerr) return 1 end
            spec.redirs = redirs
            for _, a in ipairs(cmd.assigns) do spec.assigns[a.name] = expandString(a.value) end
            local job = newJob(S.currentText or concat(argv, " "), false)
            spawn(spec, job)
            return waitJob(job)
        end
        return callFunction(f, argv)
    end
    local b = builtins[argv[1]]
    if b then
        local io, err = builtinIO(cmd.redirs)
        if not io then shellError(err) return 1 end
        -- NAME=value before a built-in holds for that built-in only (IFS=: read a b)
        local saved = {}
        for _, a in ipairs(cmd.assigns) do
            saveVar(saved, a.name)
            setVar(a.name, expandString(a.value))
        end
        local ok, st = pcall(b, argv, io)
        restoreVars(saved)
        closeIO(io)
        if not ok then
            if type(st) == "table" then error(st, 0) end
            shellError(argv[1] .. ": " .. tostring(st))
            return 1
        end
        return st or 0
    end
    local path, err, st = findCommand(argv[1])
    if not path then shellError(err) return st end
    local assigns = {}
    for _, a in ipairs(cmd.assigns) do assigns[a.name] = expandString(a.value) end
    local redirs, rerr = expandRedirs(cmd.redirs)
    if rerr then shellError(rerr) return 1 end
    local job = newJob(S.currentText or concat(argv, " "), false)
    spawn({ path = path, argv = argv, assigns = assigns, redirs = redirs, name = (argv[1]:match("[^/]*$"):gsub("%.lua$", "")) }, job)
    return waitJob(job)
end

-- After a loop body: whether the loop ends (exit, break, or a continue aimed at an outer loop);
-- consumes one level of break or continue.
local function loopStops()
    if S.exitRequested then return true end
    if S.breakN > 0 then S.breakN = S.breakN - 1 return true end
    if S.continueN > 0 then
        S.continueN = S.continueN - 1
        return S.continueN > 0
    end
    return false
end

-- Execute one node in the shell process; returns status.
function execNode(node)
    local t = node.type
    if t == "simple" then
        return runSimpleInShell(node)
    elseif t == "if" then
        for _, c in ipairs(node.clauses) do
            local cs = execList(c.cond)
            if S.exitRequested or S.breakN > 0 or S.continueN > 0 then return cs end
            if cs == 0 then return execList(c.body) end
        end
        if node.elseBody then return execList(node.elseBody) end
        return 0
    elseif t == "while" then
        local st = 0
        S.loopDepth = S.loopDepth + 1
        while true do
            local c = execList(node.cond)
            if S.exitRequested then break end
            if S.breakN > 0 then S.breakN = S.breakN - 1 break end
            if (c == 0) == node.untilLoop then break end
            st = execList(node.body)
            if loopStops() then break end
        end
        S.loopDepth = S.loopDepth - 1
        return st
    elseif t == "for" then
        local items
        if node.words then items = expandWords(node.words)
        else items = { unpack(S.positional, 1, S.positional.n) } end
        local st = 0
        S.loopDepth = S.loopDepth + 1
        for _, v in ipairs(items) do
            setVar(node.var, v)
            st = execList(node.body)
            if loopStops() then break end
        end
        S.loopDepth = S.loopDepth - 1
        return st
    elseif t == "case" then
        local subject = expandString(node.word)
        for _, clause in ipairs(node.clauses) do
            for _, pw in ipairs(clause.patterns) do
                if subject:find(globToPattern(casePattern(pw))) then
                    return clause.body and execList(clause.body) or 0
                end
            end
        end
        return 0
    elseif t == "group" then
        return execList(node.body)
    elseif t == "funcdef" then
        S.functions[node.name] = { body = node.body, text = node.body.text }
        return 0
    end
    return 0
end

-- Call a shell function with arguments argv[2..].
function callFunction(f, argv)
    local savedPos, savedDepth = S.positional, S.loopDepth
    S.positional = pack(unpack(argv, 2))
    S.loopDepth = 0
    S.funcDepth = (S.funcDepth or 0) + 1
    if S.funcDepth > 100 then
        S.funcDepth = S.funcDepth - 1
        S.positional, S.loopDepth = savedPos, savedDepth
        error({ expansion = argv[1] .. ": maximum function nesting level exceeded (100)" }, 0)
    end
    local frame = { saved = {} } -- what `local` replaced, given back when the call ends
    S.localFrames[#S.localFrames + 1] = frame
    local ok, st = pcall(execPipeline, { type = "pipeline", cmds = { f.body } }, false, argv[1])
    remove(S.localFrames)
    restoreVars(frame)
    S.funcDepth = S.funcDepth - 1
    S.positional, S.loopDepth = savedPos, savedDepth
    S.breakN, S.continueN = 0, 0
    if not ok then
        if type(st) == "table" and st.ret ~= nil then return st.ret end
        error(st, 0)
    end
    return st
end

-- Does this command need a child process when run in the foreground alone?
local function needsChild(cmd)
    return cmd.type == "subshell" or (cmd.type ~= "simple" and cmd.redirs ~= nil)
end

-- Memory buffers: pipes when the kernel has no pipe() syscall, and command
-- substitution. The kernel calls write(self, data) and read(n)/readLine().
local function bufferWriter(buf)
    return {
        write = function(a, b)
            local s = b
            if type(a) ~= "table" then s = a end
            if s ~= nil then buf[#buf + 1] = tostring(s) end
        end,
        flush = function() end,
        close = function() end,
    }
end

local function bufferReader(text)
    local pos = 1
    local h = {}
    h.read = function(a, b)
        local n = b
        if type(a) ~= "table" then n = a end
        if pos > #text then return nil end
        n = n or 1
        local s = text:sub(pos, pos + n - 1)
        pos = pos + #s
        return s
    end
    h.readLine = function()
        if pos > #text then return nil end
        local nl = text:find("\n", pos, true)
        local line
        if nl then line = text:sub(pos, nl - 1) pos = nl + 1 else line = text:sub(pos) pos = #text + 1 end
        return line
    end
    h.readAll = function()
        local s = text:sub(pos)
        pos = #text + 1
        return s
    end
    h.close = function() end
    return h
end

-- Run a pipeline; bg: do not wait (returns 0).
function execPipeline(pl, bg, text)
    local cmds = pl.cmds
    -- the common case: one command in the foreground, run by the shell itself
    if #cmds == 1 and not bg and not needsChild(cmds[1]) then
        S.currentText = text
        local ok, st = pcall(execNode, cmds[1])
        S.currentText = nil
        if not ok then error(st, 0) end
        if pl.negate then st = (st == 0) and 1 or 0 end
        return st
    end
    -- every command gets a process: work out how each runs first
    local specs = {}
    for i, cmd in ipairs(cmds) do
        local spec, err, st = childSpec(cmd)
        if not spec then
            shellError(err)
            if i == #cmds then return pl.negate and (st == 0 and 1 or 0) or st end
            -- a missing command inside a pipeline reads nothing and writes nothing
            spec = { path = SH_PATH, argv = { "sh", "-c", "exit " .. tostring(st) }, name = "sh" }
        end
        specs[i] = spec
    end
    local job = newJob(text, bg)
    job.negate = pl.negate
    if #cmds == 1 then
        if bg and specs[1].stdin == nil then specs[1].stdin = false end
        spawn(specs[1], job)
    else
        local r, w = makePipe()
        if r then
            -- kernel pipes: all stages run at once
            local ends = { r, w }
            local prevR = nil
            for i, spec in ipairs(specs) do
                spec.stdin = prevR
                if i == 1 and bg then spec.stdin = false end
                if i < #specs then
                    local pr, pw = r, w
                    if i > 1 then
                        pr, pw = makePipe()
                        ends[#ends + 1] = pr
                        ends[#ends + 1] = pw
                    end
                    spec.stdout = pw
                    prevR = pr
                end
                spawn(spec, job)
            end
            -- every stage inherited the ends at fork (dropped when it execs,
            -- after taking its own as stdin/stdout): the shell lets go of its own
            for _, h in ipairs(ends) do pcall(h.close) end
        else
            -- no kernel pipes: the stages run one after another through memory
            local input = nil
            for i, spec in ipairs(specs) do
                local buf = {}
                local last = i == #specs
                if input then spec.stdin = bufferReader(input) elseif bg then spec.stdin = false end
                if not last then spec.stdout = bufferWriter(buf) end
                if last then
                    spawn(spec, job)
                else
                    local stageJob = newJob(text, false)
                    spawn(spec, stageJob)
                    waitJob(stageJob)
                    input = concat(buf)
                end
            end
        end
    end
    if bg then
        S.lastBg = job.pids[#job.pids]
        if S.interactive then errw(("[%d] %d\n"):format(job.id, job.pids[#job.pids])) end
        return 0
    end
    return waitJob(job)
end

local function execAndOr(node, bg)
    if bg then
        if #node.rest == 0 then return execPipeline(node.first, true, node.text) end
        -- a background && / || list runs in its own shell process
        local job = newJob(node.text, true)
        local spec = shellSpec(node.text)
        spec.stdin = false
        local pid = spawn(spec, job)
        S.lastBg = pid
        if S.interactive then errw(("[%d] %d\n"):format(job.id, pid)) end
        return 0
    end
    local st = execPipeline(node.first, false, node.text)
    S.status = st
    for _, r in ipairs(node.rest) do
        if S.exitRequested or S.breakN > 0 or S.continueN > 0 then break end
        if (r.op == "&&") == (st == 0) then
            st = execPipeline(r.pipeline, false, node.text)
            S.status = st
        end
    end
    return st
end

function execList(list)
    local st = 0
    for _, item in ipairs(list.items) do
        local ok, res = pcall(execAndOr, item.node, item.bg)
        if ok then st = res
        else
            if type(res) == "table" and (res.syntax or res.expansion) then
                shellError(res.syntax or res.expansion)
                st = res.syntax and 2 or 1
            else
                error(res, 0)
            end
        end
        S.status = st
        if S.exitRequested or S.breakN > 0 or S.continueN > 0 then break end
        if S.errexit and st ~= 0 and not item.bg then S.exitRequested = st break end
    end
    return st
end

-- Parse and run a string; returns status (syntax errors give 2).
function runString(text, where)
    local ok, list = pcall(parse, text)
    if not ok then
        local prefix = (where and where ~= "" and where .. ": " or "")
        if list == INCOMPLETE then
            shellError(prefix .. "syntax error: unexpected end of file")
            S.status = 2
            return 2
        elseif type(list) == "table" and list.syntax then
            shellError(prefix .. list.syntax)
            S.status = 2
            return 2
        end
        error(list, 0)
    end
    return execList(list)
end

-- Run a command string with its stdout collected (command substitution).
function runCapture(text)
    local buf = {}
    local ok, err = pcall(parse, text)
    if not ok then
        if err == INCOMPLETE then error({ syntax = "syntax error: unexpected end of file in command substitution" }, 0) end
        error(err, 0)
    end
    local job = newJob(text, false)
    local spec = shellSpec(text)
    spec.stdout = bufferWriter(buf)
    spawn(spec, job)
    S.status = waitJob(job)
    S.substStatus = S.status
    return concat(buf)
end

------------------------------------------------------------------------------
-- Prompt, completion and the main loops
------------------------------------------------------------------------------

local function prompt()
    local ps1 = getVar("PS1")
    local user = syscall.getuser()
    local cwd = syscall.getcwd()
    local home = getVar("HOME")
    local w = cwd
    if home and home ~= "/" and (cwd == home or cwd:sub(1, #home + 1) == home .. "/") then w = "~" .. cwd:sub(#home + 1) end
    local host = getVar("HOSTNAME") or "cinder"
    if not ps1 then ps1 = "\\u@\\h:\\w\\$ " end
    return (ps1:gsub("\\(.)", function(c)
        if c == "u" then return user
        elseif c == "h" then return host
        elseif c == "w" then return w
        elseif c == "W" then return w:match("[^/]*$") ~= "" and w:match("[^/]*$") or "/"
        elseif c == "$" then return user == "root" and "#" or "$"
        elseif c == "n" then return "\n"
        elseif c == "\\" then return "\\"
        end
        return "\\" .. c
    end))
end

local function completeWord(line)
    -- returns a list of suffixes for the last word of `line`
    local word = line:match("[^%s;|&<>()]*$") or ""
    local before = line:sub(1, #line - #word)
    local isCommand = before:match("^%s*$") or before:match("[;|&(]%s*$")
    local out = {}
    local seen = {}
    local function add(full, suffix)
        if not seen[full] then seen[full] = true out[#out + 1] = suffix end
    end
    if isCommand and not word:find("/", 1, true) then
        for name in pairs(builtins) do
            if name:sub(1, #word) == word and #name > #word then add(name, name:sub(#word + 1) .. " ") end
        end
        for name in pairs(S.aliases) do
            if name:sub(1, #word) == word and #name > #word then add(name, name:sub(#word + 1) .. " ") end
        end
        for name in pairs(S.functions) do
            if name:sub(1, #word) == word and #name > #word then add(name, name:sub(#word + 1) .. " ") end
        end
        local path = getVar("PATH") or ""
        for dir in path:gmatch("[^:]+") do
            local ok, names = pcall(syscall.list, dir)
            if ok and type(names) == "table" then
                for _, f in ipairs(names) do
                    local name = f:gsub("%.lua$", "")
                    if name:sub(1, #word) == word and #name > #word then add(name, name:sub(#word + 1) .. " ") end
                end
            end
        end
    else
        local dir, base = word:match("^(.*/)([^/]*)$")
        if not dir then dir, base = "", word end
        local listDir = dir == "" and "." or dir
        if listDir:sub(1, 1) == "~" then listDir = (getVar("HOME") or "/") .. listDir:sub(2) end
        local ok, names = pcall(syscall.list, listDir)
        if ok and type(names) == "table" then
            for _, name in ipairs(names) do
                if name:sub(1, #base) == base and (base:sub(1, 1) == "." or name:sub(1, 1) ~= ".") then
                    local st = statOf((listDir:sub(-1) == "/" and listDir or listDir .. "/") .. name)
                    local suffix = name:sub(#base + 1) .. ((st and st.type == "directory") and "/" or " ")
                    if suffix ~= " " or #name > #base then add(name, suffix) end
                end
            end
        end
    end
    sort(out)
    return out
end

local HISTFILE_MAX = 500

local function histFile()
    local home = getVar("HOME")
    if not home then return nil end
    return (home == "/" and "" or home) .. "/.sh_history"
end

-- Load the history file; keep it to the last HISTFILE_MAX lines.
local function loadHistory()
    local file = histFile()
    if not file then return end
    local ok, h = pcall(syscall.open, file, "r")
    if not ok or not h then return end
    while true do
        local line = h.readLine()
        if not line then break end
        if line ~= "" then S.history[#S.history + 1] = line end
    end
    h.close()
    if #S.history > HISTFILE_MAX then
        S.history = { unpack(S.history, #S.history - HISTFILE_MAX + 1) }
        local okW, w = pcall(syscall.open, file, "w")
        if okW and w then
            w.write(concat(S.history, "\n") .. "\n")
            w.close()
        end
    end
end

-- Each line is appended as soon as it is entered (a shutdown ends shells with SIGKILL).
local function addHistory(line)
    local l = line:gsub("%s+$", "")
    if l == "" or l:match("^%s") then return end
    if S.history[#S.history] == l then return end
    S.history[#S.history + 1] = l
    local file = histFile()
    if not file then return end
    local ok, h = pcall(syscall.open, file, "a")
    if ok and h then
        pcall(h.write, (l:gsub("\n", " ")) .. "\n")
        h.close()
    end
end

local function readInteractive(ps)
    if terminal.readline2 then
        local ok, line, why = pcall(terminal.readline2, S.history, completeWord, { prompt = ps })
        if ok then
            if line == nil and why == "interrupted" then return "" end
            return line
        end
    end
    syscall.write(ps)
    return syscall.readline()
end

local function finishShell(code)
    if S.interactive then
        -- stopped jobs would wait forever: hang them up
        for _, job in ipairs(S.jobs) do
            for _, pid in ipairs(job.pids) do
                local c = children[pid]
                if c and c.status == nil and c.stopped then
                    pcall(syscall.kill, pid, 1)
                    pcall(syscall.kill, pid, 18)
                end
            end
        end
    end
    syscall.exit(code)
end

-- Read commands line by line (interactive or from a non-terminal stdin).
local function repl(readLine)
    local buffer = nil
    while true do
        if S.interactive then
            drainEvents()
            reportJobs()
            -- a program that died in raw mode must not leave the terminal so
            if S.ttyFlags then pcall(syscall.termctl, S.ttyFlags) end
        end
        local ps = buffer and (getVar("PS2") or "> ") or (S.interactive and prompt() or "")
        local line = readLine(ps, buffer ~= nil)
        if line == nil then
            if buffer then shellError("syntax error: unexpected end of file") S.status = 2 end
            if S.interactive then syscall.write("exit\n") end
            break
        end
        local text = buffer and (buffer .. "\n" .. line) or line
        local ok, list = pcall(parse, text)
        if not ok and list == INCOMPLETE then
            buffer = text
        else
            buffer = nil
            if S.interactive then
                addHistory(text)
                if not text:match("^%s*exit%s*%d*%s*$") then S.exitWarned = false end
            end
            if not ok then
                if type(list) == "table" and list.syntax then
                    shellError(list.syntax)
                    S.status = 2
                else
                    shellError(tostring(list))
                    S.status = 1
                end
            else
                local okE, err = pcall(execList, list)
                if not okE then shellError(tostring(type(err) == "table" and (err.syntax or err.expansion) or err)) S.status = 1 end
            end
            if S.exitRequested then break end
        end
    end
    return S.exitRequested or S.status
end

local function usage()
    errw("usage: sh [-c command [name [args...]]] [script [args...]]\n")
end

------------------------------------------------------------------------------
-- Entry
------------------------------------------------------------------------------

local args = pack(...)

local function main()
    local i = 1
    local command = nil
    while i <= args.n and type(args[i]) == "string" and args[i]:sub(1, 1) == "-" and args[i] ~= "-" do
        local a = args[i]
        if a == "-c" then
            command = args[i + 1]
            if command == nil then errw("sh: -c: option requires an argument\n") usage() return 2 end
            i = i + 2
            break
        elseif a == "--" then i = i + 1 break
        elseif a == "-i" then S.forceInteractive = true i = i + 1
        elseif a == "-e" then S.errexit = true i = i + 1
        elseif a == "-x" then S.xtrace = true i = i + 1
        elseif a == "-h" or a == "--help" then
            usage()
            return 0
        else
            errw("sh: " .. a .. ": invalid option\n")
            usage()
            return 2
        end
    end
    if S.vars.PWD == nil then S.vars.PWD = syscall.getcwd() end
    -- state handed down by a parent shell (sh -c for pipeline stages, subshells)
    local inherited = S.vars.__CINDER_SH
    if type(inherited) == "string" then
        S.vars.__CINDER_SH = nil
        local f = load("return " .. inherited, "=state", "t", {})
        local okS, st = pcall(f or function() end)
        if okS and type(st) == "table" then
            if type(st.locals) == "table" then S.locals = st.locals end
            if type(st.aliases) == "table" then S.aliases = st.aliases end
            if type(st.status) == "number" then S.status = st.status end
            S.errexit, S.xtrace = st.errexit, st.xtrace
            for name, text in pairs(type(st.functions) == "table" and st.functions or {}) do
                local okP, list = pcall(parse, name .. " () " .. text)
                if okP then pcall(execList, list) end
            end
            S.status = type(st.status) == "number" and st.status or 0
        end
    end

    if command then
        if args[i] ~= nil then S.name = tostring(args[i]) i = i + 1 end
        S.positional = pack(unpack(args, i, args.n))
        local st = runString(command, "")
        return S.exitRequested or st
    end

    if args[i] ~= nil and args[i] ~= "-" then
        local file = tostring(args[i])
        local ok, h, err = pcall(syscall.open, file, "r")
        if not ok then err = h h = nil end
        if not h then errw("sh: " .. file .. ": " .. tostring(err):gsub("^.*: ", "") .. "\n") return 127 end
        local text = h.readAll() or ""
        h.close()
        if text:sub(1, 2) == "#!" then text = text:gsub("^[^\n]*", "") end
        S.name = file
        S.positional = pack(unpack(args, i + 1, args.n))
        local st = runString(text, file)
        return S.exitRequested or st
    end

    local ttyIn, ttyOut = false, false
    local okT, a, b = pcall(syscall.istty)
    if okT then ttyIn, ttyOut = a, b end
    S.interactive = S.forceInteractive or (ttyIn and ttyOut)
    if S.interactive then
        -- Ctrl+C, Ctrl+\ and Ctrl+Z reach the shell when it is the frontmost
        -- process of the terminal: at the prompt (Ctrl+C cancels the line),
        -- or while a foreground job runs whose processes all left the
        -- terminal (a pipeline into a pager): then they go on to the job.
        local function forward(sig)
            local job = S.fgJob
            if not job then return false end
            for _, pid in ipairs(job.pids) do
                local c = children[pid]
                if c and c.status == nil then pcall(syscall.kill, pid, sig) end
            end
            return true
        end
        pcall(syscall.signal, 2, function() if not forward(2) then pcall(syscall.queueEvent, "signal", { signal = 2 }) end end)
        pcall(syscall.signal, 3, function() forward(3) end)
        pcall(syscall.signal, 19, function() forward(19) end)
        pcall(syscall.signal, 15, function() end)
        loadHistory()
        local okF, flags = pcall(syscall.termctl)
        if okF and type(flags) == "table" then
            S.ttyFlags = {}
            for _, k in ipairs({ "cbreak", "delay", "echo", "keypad", "raw", "nlcr" }) do S.ttyFlags[k] = flags[k] end
        end
        return repl(function(ps) return readInteractive(ps) end)
    end
    return repl(function() return syscall.readline() end)
end

local ok, code = pcall(main)
if not ok then
    errw("sh: internal error: " .. tostring(type(code) == "table" and (code.syntax or code.expansion) or code) .. "\n")
    finishShell(70)
end
finishShell(type(code) == "number" and code or 0)
