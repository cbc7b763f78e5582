// A simulation: a World built from a checked topology (computers, modems,
// media, peripherals, files, startup programs), its scheduled faults, the
// frame trace and per-computer output. `cinder sim` is a thin CLI around it;
// tests drive it directly. A run ends when the duration is over or when every
// startup program has ended, whichever comes first; it fails (code 1) when a
// startup program failed or a computer crashed, and the rest runs on.
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, createWriteStream, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { World } from '../world.js';
import type { Computer } from '../computer.js';
import type { Process } from '../process.js';
import { QueueSource, type ByteSink } from '../stdio.js';
import { networkOf, type Network } from '../../devices/network.js';
import { FileTraceSink } from '../../devices/media/trace.js';
import { Tty } from '../tty/tty.js';
import { checkTopology, Topology, FaultTopo } from './topology.js';

export interface SimOptions {
  seed?: number;
  forMs?: number;
  realtime?: boolean;
  /** Write the trace (JSON Lines) here. */
  tracePath?: string;
  /** One output log per computer (<id>.log) instead of the shared output. */
  outDir?: string;
  /** Where `[<id>] <line>` output goes (default: the host's stdout). */
  print?: (line: string) => void;
  /** Computers' data folders (default: a fresh temporary folder, removed afterwards). */
  dataDir?: string;
  /** Show this computer's screen live instead of the shared output. */
  watch?: number;
}

export interface SimResult {
  code: number;
  endedBy: 'duration' | 'startup' | 'idle';
  simulatedMs: number;
  failures: string[];
  frames: number;
  delivered: number;
  dropped: number;
}

interface Startup { proc: Process | null; state: 'running' | 'ok' | 'failed' | 'killed' }

/** Read and check a topology file; file paths in it are relative to its folder. */
export function loadTopology(file: string): Topology {
  const text = readFileSync(file, 'utf8');
  let raw: unknown;
  try { raw = JSON.parse(text); } catch (e) { throw new Error(`${file}: not valid JSON: ${(e as Error).message}`); }
  const base = dirname(resolve(file));
  return checkTopology(raw, (p) => resolve(base, p));
}

/** Splits output into lines and hands each one on with a prefix. */
class LineSink implements ByteSink {
  private partial = '';
  constructor(private readonly emit: (line: string) => void) {}
  write(data: Uint8Array): void {
    const text = this.partial + Buffer.from(data).toString('utf8');
    const lines = text.split('\n');
    this.partial = lines.pop()!;
    for (const l of lines) this.emit(l);
  }
  flush(): void { if (this.partial) { this.emit(this.partial); this.partial = ''; } }
}

export class Simulation {
  readonly world: World;
  readonly network: Network;
  readonly topology: Topology;
  readonly failures: string[] = [];
  private readonly startups = new Map<number, Startup>();
  private readonly sinks = new Map<number, LineSink>();
  private readonly logs: WriteStream[] = [];
  private readonly tempData: string | null;
  private readonly print: (line: string) => void;
  private readonly screen: Tty | null;
  private readonly seeded = new Set<number>();
  private readonly killed = new Set<Computer>();

  constructor(topology: Topology, private readonly opts: SimOptions = {}) {
    this.topology = topology;
    this.print = opts.print ?? ((l) => process.stdout.write(l + '\n'));
    this.tempData = opts.dataDir ? null : mkdtempSync(join(tmpdir(), 'cinder-sim-'));
    const realtime = opts.realtime ?? topology.realtime;
    this.world = new World({ dataDir: opts.dataDir ?? this.tempData!, seed: opts.seed ?? topology.seed, clock: realtime ? 'real' : 'virtual' });
    this.network = networkOf(this.world);
    this.screen = opts.watch !== undefined ? new Tty(0, 51, 19) : null;
    if (opts.outDir) mkdirSync(opts.outDir, { recursive: true });
    if (opts.tracePath) this.network.trace.addSink(new FileTraceSink(opts.tracePath));

    for (const m of topology.media) {
      this.network.addMedium(m.name, { kind: m.kind, conditions: m.conditions, ranges: m.ranges, cables: m.cables, length: m.length });
    }
    for (const c of topology.computers) {
      this.network.setPlace(c.id, c.position, c.dimension);
      for (const m of c.modems) this.network.addHardware(c.id, { side: m.side, type: 'modem', args: [m.medium, { ender: m.ender }] });
      for (const p of c.peripherals) this.network.addHardware(c.id, { side: p.side, type: p.type, args: p.type === 'computer' ? [p.id] : [] });
    }
    // Every boot (the first, a reboot, a turnOn) gets the files once and runs the startup program again.
    this.world.onBooted((computer) => this.booted(computer));
    for (const c of topology.computers) {
      // Headless: init starts no shell; a topology may pass other kernel arguments.
      this.world.addComputer({ id: c.id, label: c.label, kernargs: { headless: 'true', ...c.kernargs }, console: { kind: 'stream', name: 'console', sink: this.sinkFor(c.id) } });
    }
  }

  /** The output of computer `id`: its log file, the watched screen, or `[id] line` on the shared output. */
  private sinkFor(id: number): LineSink {
    let s = this.sinks.get(id);
    if (s) return s;
    let emit: (line: string) => void;
    if (this.opts.outDir) {
      const log = createWriteStream(join(this.opts.outDir, `${id}.log`));
      this.logs.push(log);
      emit = (l) => log.write(l + '\n');
    } else if (this.screen) {
      emit = id === this.opts.watch ? (l) => this.screen!.write(Buffer.from(l + '\n', 'utf8')) : () => {};
    } else {
      emit = (l) => this.print(`[${id}] ${l}`);
    }
    s = new LineSink(emit);
    this.sinks.set(id, s);
    return s;
  }

  private booted(computer: Computer): void {
    const topo = this.topology.computers.find((c) => c.id === computer.id);
    if (!topo) return;
    if (topo.eventQueue) computer.limits.eventQueue = topo.eventQueue;
    if (!this.seeded.has(computer.id)) {
      this.seeded.add(computer.id);
      for (const [dest, src] of topo.files) {
        try { copyInto(computer, dest, src); } catch (e) {
          this.fail(computer.id, `could not copy ${src} to ${dest}: ${(e as Error).message}`);
        }
      }
    }
    if (!topo.startup) return;
    const sink = this.sinkFor(computer.id);
    const out = { kind: 'stream' as const, name: 'stdout', sink };
    const startup: Startup = { proc: null, state: 'running' };
    this.startups.set(computer.id, startup);
    try {
      startup.proc = computer.spawn(topo.startup.path, topo.startup.args, {
        user: topo.user, name: topo.startup.path.replace(/^.*\//, '').replace(/\.lua$/, ''),
        stdin: { kind: 'stream', name: 'stdin', source: new QueueSource('', true) },
        stdout: out, stderr: { ...out, name: 'stderr' },
        vars: { PATH: '/bin:/usr/bin:/rom/bin', HOME: '/', CINDER_SIM: '1' },
      });
    } catch (e) {
      startup.state = 'failed';
      this.fail(computer.id, `could not start ${topo.startup.path}: ${(e as Error).message}`);
      return;
    }
    const proc = startup.proc;
    computer.onProcessExit((p) => {
      if (p !== proc || this.startups.get(computer.id) !== startup || startup.state !== 'running') return;
      const c = p.completion!;
      // Ended by a shutdown or reboot (a fault, or a program asking for it): not a failure.
      if (this.killed.has(computer) || computer.halted) { startup.state = 'killed'; return; }
      if (c.code === 0) { startup.state = 'ok'; return; }
      startup.state = 'failed';
      this.fail(computer.id, `${topo.startup!.path} failed (exit ${c.code})${c.error ? `: ${c.error}` : ''}`);
    });
  }

  private fail(id: number, message: string): void {
    const text = `computer ${id}: ${message}`;
    this.failures.push(text);
    this.sinkFor(id).write(Buffer.from(`[sim] ${message}\n`));
  }

  private note(text: string): void {
    const line = `[sim] ${(this.world.clock.now() / 1000).toFixed(3)}s ${text}`;
    if (this.opts.outDir || this.screen) return;
    this.print(line);
  }

  private applyFault(f: FaultTopo): void {
    const w = this.world;
    switch (f.kind) {
      case 'partition':
        this.network.setPartition(f.groups, f.medium);
        this.note(`partition ${JSON.stringify(f.groups)}${f.medium ? ` on ${f.medium}` : ''}`);
        return;
      case 'heal':
        this.network.setPartition(null, f.medium);
        this.note(`heal${f.medium ? ` ${f.medium}` : ''}`);
        return;
      case 'kill': {
        const c = w.computers.get(f.id);
        if (c && !c.halted) { this.killed.add(c); c.shutdown('killed by a fault'); }
        const s = this.startups.get(f.id);
        if (s && s.state === 'running') s.state = 'killed';
        this.note(`kill computer ${f.id}`);
        return;
      }
      case 'reboot': {
        const old = w.computers.get(f.id);
        if (old) this.killed.add(old);
        this.note(`reboot computer ${f.id}`);
        w.restart(f.id);
        return;
      }
      case 'turnOn': {
        const c = w.computers.get(f.id);
        this.note(`turn on computer ${f.id}`);
        if (c?.halted) w.restart(f.id);
        return;
      }
      case 'conditions': {
        const m = this.network.medium(f.medium);
        m.conditions = { ...m.conditions, ...f.conditions };
        this.note(`${f.medium}: ${JSON.stringify(f.conditions)}`);
      }
    }
  }

  /** A computer that halted on its own (panic) while its startup program ran: a crash. */
  private checkCrashes(): void {
    for (const [id, s] of this.startups) {
      if (s.state !== 'running') continue;
      const c = this.world.computers.get(id);
      if (c?.halted && !this.killed.has(c)) {
        s.state = 'failed';
        this.fail(id, `crashed: ${c.halted}`);
      }
    }
  }

  private allEnded(): boolean {
    this.checkCrashes();
    if (this.startups.size === 0) return false;
    for (const s of this.startups.values()) if (s.state === 'running') return false;
    return true;
  }

  async run(): Promise<SimResult> {
    const w = this.world;
    const start = w.clock.now();
    for (const f of [...this.topology.faults].sort((a, b) => a.at - b.at || a.index - b.index)) {
      w.clock.setTimer(f.at, () => this.applyFault(f));
    }
    const forMs = this.opts.forMs ?? this.topology.forMs;
    const watch = this.startWatch();
    let result;
    try {
      result = await w.run({ until: () => this.allEnded(), forMs });
    } finally {
      watch?.();
    }
    this.checkCrashes();
    const simulatedMs = w.clock.now() - start;
    w.shutdown();
    for (const s of this.sinks.values()) s.flush();
    this.network.trace.close();
    await Promise.all(this.logs.map((l) => new Promise((r) => l.end(r))));
    if (this.tempData) rmSync(this.tempData, { recursive: true, force: true });
    let frames = 0, delivered = 0, dropped = 0;
    for (const m of this.network.media.values()) { frames += m.stats.frames; delivered += m.stats.delivered; dropped += m.stats.dropped; }
    return {
      code: this.failures.length ? 1 : 0,
      endedBy: result === 'done' ? 'startup' : result === 'idle' ? 'idle' : 'duration',
      simulatedMs, failures: [...this.failures], frames, delivered, dropped,
    };
  }

  /** --watch: redraw the watched computer's screen on the host terminal ten times a second. */
  private startWatch(): (() => void) | null {
    const screen = this.screen;
    if (!screen) return null;
    let shown = -1;
    const draw = () => {
      const sc = screen.screen;
      if (sc.version === shown) return;
      shown = sc.version;
      const t = (this.world.clock.now() / 1000).toFixed(1);
      const rows = sc.chars.map((r) => Buffer.from(r).toString('latin1').trimEnd());
      process.stdout.write(`${tty ? '\x1b[H\x1b[2J' : ''}${rows.join('\n')}\n-- computer ${this.opts.watch} -- t=${t}s --\n`);
    };
    // Not a terminal (a pipe, a file): only the final screen is written.
    const tty = process.stdout.isTTY === true;
    const timer = tty ? setInterval(draw, 100) : null;
    return () => { if (timer) clearInterval(timer); shown = -1; draw(); };
  }
}

/** Copy a host file or folder into a computer (parents created). */
function copyInto(c: Computer, dest: string, src: string): void {
  const root = { user: 'root' };
  const parts = dest.split('/').filter(Boolean);
  for (let i = 1; i < parts.length; i++) {
    const dir = '/' + parts.slice(0, i).join('/');
    if (!c.vfs.statOrNull(root, dir)) c.vfs.mkdir(root, dir);
  }
  if (statSync(src).isDirectory()) {
    if (!c.vfs.statOrNull(root, dest)) c.vfs.mkdir(root, dest);
    for (const name of readdirSync(src).sort()) copyInto(c, `${dest}/${name}`, join(src, name));
    return;
  }
  c.vfs.writeFile(root, dest, readFileSync(src));
}
