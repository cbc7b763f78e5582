#!/usr/bin/env node
// The `cinder` command's entry point. It starts the bundled command
// (dist/bin/cinder.cjs, written by `npm run build`) with a V8 code cache: on a
// cold start V8 compiles every function the first time it runs, and reusing the
// compiled code of earlier runs takes ≈ 50 ms off `cinder run` and `cinder boot`
// (docs/benchmarks.md). Node 20 has no compile cache of its own for this.
//
// The cache (dist/bin/cinder.cache) is written when a run ends if there was
// none for this bundle, V8 rejected it (another Node version or flags), or it
// was made by other commands than this one (each command compiles other
// functions; a new cache keeps what the old one held, so it only grows). V8 only
// checks a cache against the source's length, so cinder.cache.json records the
// bundle's digest and a cache for another bundle is never used. Files are
// replaced by renaming, so concurrent runs never read half a file. Any failure
// around the cache just means a run without it. Without the bundle (a
// `tsc`-only build) the command runs from the separate modules.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const bundle = fileURLToPath(new URL('./cinder.cjs', import.meta.url));
const cacheFile = fileURLToPath(new URL('./cinder.cache', import.meta.url));
const metaFile = `${cacheFile}.json`;

interface CacheMeta { digest: string; commands: string[] }

function readMeta(): CacheMeta | null {
  try {
    const m = JSON.parse(readFileSync(metaFile, 'utf8')) as Partial<CacheMeta>;
    return typeof m.digest === 'string' && Array.isArray(m.commands) ? { digest: m.digest, commands: m.commands.map(String) } : null;
  } catch { return null; }
}

function replace(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

if (!existsSync(bundle)) {
  await import('./main.js');
} else {
  // The bundle as a CommonJS function (a shebang line is not JavaScript).
  const source = readFileSync(bundle, 'utf8').replace(/^#!.*/, '');
  const digest = createHash('sha1').update(source).digest('hex');
  const meta = readMeta();
  let cached: Buffer | undefined;
  if (meta?.digest === digest) { try { cached = readFileSync(cacheFile); } catch { cached = undefined; } }
  const command = process.argv[2] ?? '';
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: bundle, cachedData: cached });
  const fresh = !cached || script.cachedDataRejected === true;
  if (fresh || !meta!.commands.includes(command)) {
    process.once('exit', () => {
      try {
        replace(cacheFile, script.createCachedData());
        replace(metaFile, JSON.stringify({ digest, commands: [...(fresh ? [] : meta!.commands), command] }));
      } catch { /* a read-only install: runs go without a cache */ }
    });
  }
  // Node 20 drops a script's dynamic-import callback when the script comes from a code
  // cache: the bundle imports node-fetch (ESM only) through this one (kernel/net/lazy.ts).
  (globalThis as Record<symbol, unknown>)[Symbol.for('cinder.import')] = (specifier: string) => import(specifier);
  const module = { exports: {} };
  (script.runInThisContext() as (...a: unknown[]) => void)(module.exports, createRequire(bundle), module, bundle, fileURLToPath(new URL('.', import.meta.url)));
}
