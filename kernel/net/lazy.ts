// HTTP and WebSocket libraries are loaded on first use: most programs never
// touch the network, and loading them up front costs `cinder run` ~50 ms.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

type NodeFetch = typeof import('node-fetch');
type Ws = typeof import('ws');

let fetchModule: Promise<NodeFetch> | null = null;
let fetchLoaded: NodeFetch['default'] | null = null;
let wsModule: Ws | null = null;

type Fetch = NodeFetch['default'];

/** Load node-fetch (ESM only). The code-cached bundle that `cinder` runs (bin/cinder.ts)
 * cannot use `import()` itself — Node 20 loses a script's dynamic-import callback when
 * the script comes from a code cache — so the launcher lends its own under this symbol. */
const IMPORTER = Symbol.for('cinder.import');
function importFetch(): Promise<NodeFetch> {
  const lent = (globalThis as Record<symbol, unknown>)[IMPORTER] as ((s: string) => Promise<NodeFetch>) | undefined;
  return lent ? lent('node-fetch') : import('node-fetch');
}
let fetchWrapper: ((f: Fetch) => Fetch) | null = null;

/** node-fetch's fetch (ESM only, so asynchronous the first time; after that no extra await per request). */
export function loadFetch(): Fetch | Promise<Fetch> {
  if (fetchLoaded) return fetchLoaded;
  fetchModule ??= importFetch();
  return fetchModule.then(useFetch);
}

/** Keep node-fetch's fetch, through the benchmark wrapper if one is set. */
function useFetch(m: NodeFetch): Fetch {
  return (fetchLoaded = fetchWrapper ? fetchWrapper(m.default) : m.default);
}

/**
 * For benchmarks: every HTTP request of every computer in this process goes through
 * `wrap(fetch)` from now on (bench/net.ts --split times node-fetch's part of a request
 * this way); null restores node-fetch itself.
 */
export async function wrapFetch(wrap: ((f: Fetch) => Fetch) | null): Promise<void> {
  fetchWrapper = wrap;
  useFetch(await (fetchModule ??= importFetch()));
}

/** ws (CommonJS, so it can be loaded synchronously where a handle is made at once). */
export function loadWs(): Ws {
  return (wsModule ??= require('ws') as Ws);
}
