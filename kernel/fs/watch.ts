// fsevent subscriptions: which processes watch which paths. One registry per
// Vfs, created on first use; a process's subscriptions end when it dies.
import type { Process } from '../process.js';
import { stripRoot } from './path.js';
import type { FsChange } from './types.js';
import type { Vfs } from './vfs.js';

export class FsWatchers {
  private readonly byPath = new Map<string, Set<Process>>();
  private readonly byProc = new Map<Process, Set<string>>();

  constructor(vfs: Vfs) {
    vfs.addListener((ev) => this.dispatch(ev));
  }

  /** Subscribe (or unsubscribe) `proc` to changes of the real VFS path `path`. */
  set(proc: Process, path: string, enabled: boolean): void {
    if (enabled) {
      let procs = this.byPath.get(path);
      if (!procs) { procs = new Set(); this.byPath.set(path, procs); }
      procs.add(proc);
      let paths = this.byProc.get(proc);
      if (!paths) {
        paths = new Set();
        this.byProc.set(proc, paths);
        proc.dependents.push(() => this.drop(proc));
      }
      paths.add(path);
    } else {
      this.byPath.get(path)?.delete(proc);
      if (this.byPath.get(path)?.size === 0) this.byPath.delete(path);
      this.byProc.get(proc)?.delete(path);
    }
  }

  /** Forget every subscription of `proc`. */
  drop(proc: Process): void {
    for (const path of this.byProc.get(proc) ?? []) {
      const procs = this.byPath.get(path);
      procs?.delete(proc);
      if (procs?.size === 0) this.byPath.delete(path);
    }
    this.byProc.delete(proc);
  }

  watching(proc: Process): string[] { return [...(this.byProc.get(proc) ?? [])]; }

  private dispatch(ev: FsChange): void {
    const procs = this.byPath.get(ev.path);
    if (!procs) return;
    for (const proc of [...procs]) {
      if (!proc.alive) { this.drop(proc); continue; }
      const shown = stripRoot(proc.root, ev.path);
      if (shown === null) continue;
      const params: Record<string, string | number> = { path: shown, event: ev.event };
      if (ev.name !== undefined) params.name = ev.name;
      if (ev.pid !== undefined) params.process = ev.pid;
      proc.queueEvent('fsevent', params);
    }
  }
}

const registries = new WeakMap<Vfs, FsWatchers>();

export function watchersFor(vfs: Vfs): FsWatchers {
  let w = registries.get(vfs);
  if (!w) { w = new FsWatchers(vfs); registries.set(vfs, w); }
  return w;
}
