// HTTP and WebSocket libraries are loaded on first use: most programs never
// touch the network, and loading them up front costs `cinder run` ~50 ms.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

type NodeFetch = typeof import('node-fetch');
type Ws = typeof import('ws');

let fetchModule: Promise<NodeFetch> | null = null;
let fetchLoaded: NodeFetch['default'] | null = null;
let wsModule: Ws | null = null;

/** node-fetch's fetch (ESM only, so asynchronous the first time; after that no extra await per request). */
export function loadFetch(): NodeFetch['default'] | Promise<NodeFetch['default']> {
  if (fetchLoaded) return fetchLoaded;
  fetchModule ??= import('node-fetch');
  return fetchModule.then((m) => (fetchLoaded = m.default));
}

/** ws (CommonJS, so it can be loaded synchronously where a handle is made at once). */
export function loadWs(): Ws {
  return (wsModule ??= require('ws') as Ws);
}
