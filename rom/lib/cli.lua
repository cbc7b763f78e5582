-- Helpers shared by the programs in /rom/bin. Loaded with
-- dofile("/rom/lib/cli.lua"): it is not on package.path, because it is not
-- part of libsystem's API.
local util = require "system.util"

local cli = {}

--- cli.program(name, usageText) -> program
-- program.usage(msg?): print "name: msg" (when given) and the usage text on
-- stderr, exit 2 (as every /rom/bin program does for --help too).
-- program.fail(msg, code?): print "name: msg" on stderr, exit code (default 1).
-- program.options(spec, ...): util.argparse with "help" and "h" added; a bad
-- option calls usage with argparse's message, --help or -h calls usage().
function cli.program(name, usageText)
    local program = {}
    function program.usage(msg)
        if msg then io.stderr:write(name .. ": " .. msg .. "\n") end
        io.stderr:write(usageText)
        os.exit(2)
    end
    function program.fail(msg, code)
        io.stderr:write(name .. ": " .. tostring(msg) .. "\n")
        os.exit(code or 1)
    end
    function program.options(spec, ...)
        spec.help, spec.h = false, "@help"
        local opts, err = util.argparse(spec, ...)
        if not opts then program.usage(err) end
        if opts.help then program.usage() end
        return opts
    end
    return program
end

--- cli.headers(list, program) -> table: "Name: value" strings (as given to
-- -H) as a header table; a string without a colon is a usage error.
function cli.headers(list, program)
    local headers = {}
    for _, h in ipairs(list or {}) do
        local k, v = h:match("^%s*([^:]-)%s*:%s*(.-)%s*$")
        if not k or k == "" then program.usage("bad header '" .. h .. "'") end
        headers[k] = v
    end
    return headers
end

return cli
