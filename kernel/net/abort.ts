// A minimal abort signal for node-fetch requests. node-fetch accepts any object tagged
// "AbortSignal" with `aborted` and add/removeEventListener (it duck-types so that polyfills
// work); Node's own AbortController, EventTarget and DOMException machinery cost about 20 µs
// per request — a sizeable part of what the kernel adds to one `system.network.get`.

type Listener = () => void;

export class RequestAbort {
  readonly [Symbol.toStringTag] = 'AbortSignal';
  aborted = false;
  private listeners: Listener[] = [];

  addEventListener(type: string, fn: Listener): void {
    if (type === 'abort' && !this.aborted) this.listeners.push(fn);
  }

  removeEventListener(type: string, fn: Listener): void {
    if (type !== 'abort') return;
    const i = this.listeners.indexOf(fn);
    if (i >= 0) this.listeners.splice(i, 1);
  }

  /** Abort every request that uses this signal (once). */
  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    const fns = this.listeners;
    this.listeners = [];
    for (const fn of fns) fn();
  }
}
