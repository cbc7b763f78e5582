// The Lua workloads of the kernel-core benchmarks. Each CPU case is one chunk
// of portable Lua 5.3 that does its work and returns a checksum, so every
// column (cinder, bare fengari, lua5.3) can be checked to compute the same
// thing. Numbers stay in float range on purpose: fengari's integers are 32-bit.

export interface CpuCase {
  name: string;
  what: string;
  source: string;
}

/** Naive string building, `steps` appends of two pieces. */
function naiveConcat(steps: number, what: string): CpuCase {
  return {
    name: `str concat ${steps / 1000}k`,
    what,
    source: `
local s = ""
for i = 1, ${steps} do s = s .. "x" .. (i % 10) end
return #s
`,
  };
}

export const CPU_CASES: CpuCase[] = [
  {
    name: 'fib(30)',
    what: 'recursive fib(30): 1.6 M Lua calls',
    source: `
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
return fib(30)
`,
  },
  {
    name: 'sort 200k',
    what: '200 000 floats from an LCG, table.insert, then table.sort (default comparator)',
    source: `
local t, x = {}, 1.0
for i = 1, 200000 do
  x = (x * 16807.0) % 2147483647.0
  table.insert(t, x)
end
table.sort(t)
for i = 2, #t do if t[i - 1] > t[i] then error("not sorted") end end
return string.format("%.0f %.0f %d", t[1], t[#t], #t)
`,
  },
  naiveConcat(20000, 'naive string building: s = s .. "x" .. (i % 10), 20 000 times (quadratic copying in PUC Lua)'),
  naiveConcat(60000, 'the same naive string building, 60 000 times (amortizes JIT warm-up)'),
  {
    name: 'str table 200k',
    what: '200 000 tostring(i) .. "," pieces into a table, then table.concat',
    source: `
local t = {}
for i = 1, 200000 do t[i] = tostring(i) .. "," end
local s = table.concat(t)
return #s
`,
  },
];

/** Syscall round trips per timed run. */
export const ROUND_TRIPS = 200_000;

/** cinder: getpid through the Phoenix ABI (answered in place, non-blocking). */
export const GETPID_LOOP = `
local y = coroutine.yield
local pid
for i = 1, ${ROUND_TRIPS} do
  local ok
  ok, pid = y("syscall", "getpid")
  if not ok then error(pid) end
end
return pid
`;

/** Bare fengari: the same loop; the JS side answers each yield with (true, 1). */
export const BARE_YIELD_LOOP = GETPID_LOOP;

/** cinder, informational: a blocking syscall that can be granted at once
 * (acquiresemaphore on a free semaphore) really yields to the scheduler;
 * releasesemaphore is answered in place. Reported per acquire+release pair. */
export const BLOCKING_LOOP = `
local y = coroutine.yield
local s = { count = 1 }
for i = 1, ${ROUND_TRIPS} do
  local ok, err = y("syscall", "acquiresemaphore", s)
  if not ok then error(err) end
  ok, err = y("syscall", "releasesemaphore", s)
  if not ok then error(err) end
end
return s.count
`;

/** cinder, informational: releasesemaphore alone (non-blocking, answered in
 * place, one table argument), to split the pair above into its two halves. */
export const RELEASE_LOOP = `
local y = coroutine.yield
local s = { count = 0 }
for i = 1, ${ROUND_TRIPS} do
  local ok, err = y("syscall", "releasesemaphore", s)
  if not ok then error(err) end
end
return s.count
`;

/** The empty program for startup measurements. */
export const EMPTY_PROGRAM = '';
