--- system.sync: synchronisation primitives.
--
-- Mutexes and semaphores are plain tables that the kernel locks by
-- identity (syscalls lockmutex/timelockmutex/trylockmutex/unlockmutex and
-- acquiresemaphore/timeacquiresemaphore/releasesemaphore). Condition
-- variables, barriers and read/write locks are built on them in Lua.
-- All of them work across threads, and across processes that share the
-- object (e.g. a child created by fork from a closure that captures it).
local util = require "system.util"
local expect = require "system.expect"

local syscall = util.syscall
local type, setmetatable, pcall, error, select, pairs, next = type, setmetatable, pcall, error, select, pairs, next
local pack, unpack, remove = table.pack, table.unpack, table.remove

local sync = {}

-- mutex ----------------------------------------------------------------------

local mutex = {}
sync.mutex = mutex
local Mutex = { __name = "mutex" }
Mutex.__index = Mutex

--- mutex.new(recursive?) -> mutex
function mutex.new(recursive)
    expect(1, recursive, "boolean", "nil")
    return setmetatable({ recursive = recursive == true }, Mutex)
end

--- mutex:lock(): wait until the mutex is ours.
function Mutex:lock() return syscall.lockmutex(self) end
--- mutex:unlock()
function Mutex:unlock() return syscall.unlockmutex(self) end
--- mutex:tryLock() -> boolean: lock if free, never waits.
function Mutex:tryLock() return syscall.trylockmutex(self) end
--- mutex:tryLockFor(seconds) -> boolean
function Mutex:tryLockFor(timeout)
    expect(1, timeout, "number")
    return syscall.timelockmutex(self, timeout)
end

-- semaphore ------------------------------------------------------------------

local semaphore = {}
sync.semaphore = semaphore
local Semaphore = { __name = "semaphore" }
Semaphore.__index = Semaphore

--- semaphore.new(init = 1) -> semaphore
function semaphore.new(init)
    expect(1, init, "number", "nil")
    return setmetatable({ count = init or 1 }, Semaphore)
end

--- semaphore:acquire(): decrement, waiting while the count is 0.
function Semaphore:acquire() return syscall.acquiresemaphore(self) end
--- semaphore:tryAcquire() -> boolean: never waits.
function Semaphore:tryAcquire() return syscall.timeacquiresemaphore(self, 0) end
--- semaphore:tryAcquireFor(seconds) -> boolean
function Semaphore:tryAcquireFor(timeout)
    expect(1, timeout, "number")
    return syscall.timeacquiresemaphore(self, timeout)
end
--- semaphore:release(): increment and wake one waiter.
function Semaphore:release() return syscall.releasesemaphore(self) end

-- condition variable -----------------------------------------------------------

local conditionVariable = {}
sync.conditionVariable = conditionVariable
local CondVar = { __name = "conditionVariable" }
CondVar.__index = CondVar

--- conditionVariable.new() -> cv
function conditionVariable.new()
    return setmetatable({ waiters = {}, guard = mutex.new() }, CondVar)
end

local function cvWait(self, m, timeout)
    local sem = setmetatable({ count = 0 }, Semaphore)
    self.guard:lock()
    self.waiters[#self.waiters + 1] = sem
    self.guard:unlock()
    if m then m:unlock() end
    local ok
    if timeout then ok = syscall.timeacquiresemaphore(sem, timeout)
    else syscall.acquiresemaphore(sem) ok = true end
    if not ok then
        -- Timed out: withdraw, unless a notify already picked us.
        self.guard:lock()
        local found = false
        for i = 1, #self.waiters do
            if self.waiters[i] == sem then remove(self.waiters, i) found = true break end
        end
        self.guard:unlock()
        if not found then
            syscall.acquiresemaphore(sem)
            ok = true
        end
    end
    if m then m:lock() end
    return ok
end

--- cv:wait(mutex?): wait for a notification; a held mutex is released
-- while waiting and locked again before returning.
function CondVar:wait(m)
    expect(1, m, "mutex", "nil")
    cvWait(self, m, nil)
end

--- cv:waitFor(seconds, mutex?) -> boolean: false on timeout.
function CondVar:waitFor(timeout, m)
    expect(1, timeout, "number")
    expect(2, m, "mutex", "nil")
    return cvWait(self, m, timeout)
end

--- cv:notifyOne(): wake the longest waiting thread.
function CondVar:notifyOne()
    self.guard:lock()
    local sem = remove(self.waiters, 1)
    self.guard:unlock()
    if sem then syscall.releasesemaphore(sem) end
end

--- cv:notifyAll(): wake every waiting thread.
function CondVar:notifyAll()
    self.guard:lock()
    local list = self.waiters
    self.waiters = {}
    self.guard:unlock()
    for i = 1, #list do syscall.releasesemaphore(list[i]) end
end

-- barrier --------------------------------------------------------------------

local barrier = {}
sync.barrier = barrier
local Barrier = { __name = "barrier" }
Barrier.__index = Barrier

--- barrier.new(count) -> barrier
function barrier.new(count)
    expect(1, count, "number")
    if count < 1 then error("bad argument #1 (count must be at least 1)", 2) end
    return setmetatable({ count = count, waiting = 0, guard = mutex.new(), gate = setmetatable({ count = 0 }, Semaphore) }, Barrier)
end

--- barrier:wait() -> boolean: block until `count` threads are waiting;
-- returns true in exactly one of them (the last to arrive).
function Barrier:wait()
    self.guard:lock()
    self.waiting = self.waiting + 1
    if self.waiting >= self.count then
        local gate = self.gate
        local n = self.waiting - 1
        self.waiting = 0
        self.gate = setmetatable({ count = 0 }, Semaphore)
        self.guard:unlock()
        for _ = 1, n do syscall.releasesemaphore(gate) end
        return true
    end
    local gate = self.gate
    self.guard:unlock()
    syscall.acquiresemaphore(gate)
    return false
end

-- read/write lock --------------------------------------------------------------

local rwLock = {}
sync.rwLock = rwLock
local RWLock = { __name = "rwLock" }
RWLock.__index = RWLock

--- rwLock.new() -> lock: many readers or one writer.
function rwLock.new()
    return setmetatable({ readers = 0, guard = mutex.new(), turnstile = mutex.new(), room = setmetatable({ count = 1 }, Semaphore) }, RWLock)
end

--- rw:lockRead()
function RWLock:lockRead()
    -- The turnstile keeps a waiting writer from being starved by new readers.
    self.turnstile:lock()
    self.turnstile:unlock()
    self.guard:lock()
    self.readers = self.readers + 1
    if self.readers == 1 then
        local ok, err = pcall(syscall.acquiresemaphore, self.room)
        if not ok then self.readers = self.readers - 1 self.guard:unlock() error(err, 2) end
    end
    self.guard:unlock()
end

--- rw:unlockRead()
function RWLock:unlockRead()
    self.guard:lock()
    if self.readers <= 0 then self.guard:unlock() error("rwLock is not locked for reading", 2) end
    self.readers = self.readers - 1
    if self.readers == 0 then syscall.releasesemaphore(self.room) end
    self.guard:unlock()
end

--- rw:lockWrite()
function RWLock:lockWrite()
    self.turnstile:lock()
    local ok, err = pcall(syscall.acquiresemaphore, self.room)
    self.turnstile:unlock()
    if not ok then error(err, 2) end
    self.writing = true
end

--- rw:unlockWrite()
function RWLock:unlockWrite()
    if not self.writing then error("rwLock is not locked for writing", 2) end
    self.writing = false
    syscall.releasesemaphore(self.room)
end

-- helpers ----------------------------------------------------------------------

--- lockGuard(mutex, fn, ...) -> ...: call fn with the mutex held; the mutex
-- is released even when fn raises (the error is re-raised).
function sync.lockGuard(m, fn, ...)
    expect(1, m, "mutex")
    expect(2, fn, "function")
    m:lock()
    local r = pack(pcall(fn, ...))
    m:unlock()
    if not r[1] then error(r[2], 0) end
    return unpack(r, 2, r.n)
end

--- synctab(tbl?) -> proxy: a table whose reads and writes are each done
-- with a (recursive) mutex held; `pairs` iterates a snapshot. `sync.lockTable(proxy, fn, ...)` runs fn
-- with that mutex held, for multi-step updates.
local SyncTab = { __name = "synctab" }
local syncData = setmetatable({}, { __mode = "k" })

SyncTab.__index = function(self, k)
    local d = syncData[self]
    d.lock:lock()
    local v = d.t[k]
    d.lock:unlock()
    return v
end
SyncTab.__newindex = function(self, k, v)
    local d = syncData[self]
    d.lock:lock()
    d.t[k] = v
    d.lock:unlock()
end
SyncTab.__len = function(self)
    local d = syncData[self]
    return #d.t
end
-- `pairs` cannot wait for a lock (it calls __pairs without allowing
-- yields), so iteration walks a snapshot taken without the mutex.
SyncTab.__pairs = function(self)
    local d = syncData[self]
    local snapshot = {}
    for k, v in next, d.t do snapshot[k] = v end
    return next, snapshot, nil
end

function sync.synctab(t)
    expect(1, t, "table", "nil")
    local proxy = setmetatable({}, SyncTab)
    syncData[proxy] = { t = t or {}, lock = mutex.new(true) }
    return proxy
end

--- lockTable(synctab, fn, ...) -> ...: run fn(rawTable, ...) with the
-- synctab's mutex held.
function sync.lockTable(proxy, fn, ...)
    local d = syncData[proxy]
    if not d then error("bad argument #1 (expected synctab)", 2) end
    expect(2, fn, "function")
    return sync.lockGuard(d.lock, fn, d.t, ...)
end

return sync
