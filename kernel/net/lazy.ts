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
let fetchWrapper: ((f: Fetch) => Fetch) | null = null;

/** node-fetch's fetch (ESM only, so asynchronous the first time; after that no extra await per request). */
export function loadFetch(): Fetch | Promise<Fetch> {
  if (fetchLoaded) return fetchLoaded;
  fetchModule ??= import('node-fetch');
  return fetchModule.then((m) => (fetchLoaded = fetchWrapper ? fetchWrapper(m.default) : m.default));
}

/**
 * For benchmarks: every HTTP request of every computer in this process goes through
 * `wrap(fetch)` from now on (bench/net.ts --split times node-fetch's part of a request
 * this way); null restores node-fetch itself.
 */
export async function wrapFetch(wrap: ((f: Fetch) => Fetch) | null): Promise<void> {
  fetchWrapper = wrap;
  const m = await (fetchModule ??= import('node-fetch'));
  fetchLoaded = wrap ? wrap(m.default) : m.default;
}

/** ws (CommonJS, so it can be loaded synchronously where a handle is made at once). */
export function loadWs(): Ws {
  return (wsModule ??= require('ws') as Ws);
}
