--- system.ipc: signals, remote events and the service registry.
--
-- Departure from Phoenix 0.0.9: `receiveEvent` keeps every unrelated event
-- that arrives while it waits and puts it back on the queue in order
-- (see system.util).
local util = require "system.util"
local expect = require "system.expect"

local syscall = util.syscall
local type, pcall = type, pcall

local ipc = {}

--- Signal numbers, by libsystem name and by POSIX name.
ipc.signal = {
    SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGTRAP = 5, SIGABRT = 6, SIGKILL = 9, SIGUSR1 = 10, SIGUSR2 = 12,
    SIGPIPE = 13, SIGTERM = 15, SIGCONT = 18, SIGSTOP = 19, SIGTTIN = 21, SIGTTOU = 22,
    hangup = 1, interrupt = 2, quit = 3, trap = 5, abort = 6, kill = 9, user1 = 10, user2 = 12,
    pipe = 13, terminate = 15, continue = 18, stop = 19, bg_input = 21, bg_output = 22,
}

--- kill(pid, sig): send a signal.
ipc.kill = util.checked("kill", {"number"}, {"number"})

--- sigaction(sig, fn|nil): install or remove a signal handler fn(sig, err?).
ipc.sigaction = util.checked("signal", {"number"}, {"function", "nil"})

--- sendEvent(pid, name, param) -> boolean: post remote_event {sender, type, data}.
function ipc.sendEvent(pid, name, param)
    expect(1, pid, "number")
    expect(2, name, "string")
    return syscall.sendEvent(pid, name, param)
end

--- register(name) -> boolean: claim a service name for this process.
ipc.register = util.checked("register", {"string"})

--- lookup(name) -> pid | nil
ipc.lookup = util.checked("lookup", {"string"})

--- sendServiceEvent(service, name, param) -> boolean: false when no process
-- has registered the service.
function ipc.sendServiceEvent(service, name, param)
    expect(1, service, "string")
    expect(2, name, "string")
    local pid = syscall.lookup(service)
    if pid == nil then return false end
    return syscall.sendEvent(pid, name, param)
end

--- receiveEvent(pid?, event?, timeout?) -> type, data | nil
-- Wait for a remote_event from `pid` (any sender if nil) of type `event`
-- (any if nil). Returns nil after `timeout` seconds. Other events are kept.
function ipc.receiveEvent(pid, event, timeout)
    expect(1, pid, "number", "nil")
    expect(2, event, "string", "nil")
    expect(3, timeout, "number", "nil")
    local tid = timeout and syscall.timer(timeout) or nil
    local name, params = util.waitFor(function(n, p)
        if type(p) ~= "table" then return false end
        if n == "remote_event" then
            return (pid == nil or p.sender == pid) and (event == nil or p.type == event)
        end
        return tid ~= nil and n == "timer" and p.id == tid
    end)
    if name == "timer" then return nil end
    if tid then pcall(syscall.cancel, tid) end
    return params.type, params.data, params.sender
end

return ipc
