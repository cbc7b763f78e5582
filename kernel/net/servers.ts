// listen / unlisten for http://, ws:// and tcp:// (beyond Phoenix 0.0.9, which
// leaves them TODO): real Node servers, bound to loopback unless the URI names
// another address. http and ws listeners on one port share one node:http
// server (WebSocket upgrades go to the ws listener). Every request or
// connection reaches the listening process as network_request {uri, ip, handle}.
import http from 'node:http';
import net from 'node:net';
import type { WebSocketServer } from 'ws';
import { loadWs } from './lazy.js';
import type { Computer } from '../computer.js';
import type { Process } from '../process.js';
import { SyscallError } from '../../syscalls/types.js';
import { IoHold, netState } from './state.js';
import { bareHost, type ParsedURI } from './uri.js';
import { HttpServerHandle } from './server-http.js';
import { WsHandle } from './ws.js';
import { TcpHandle } from './tcp.js';

type SlotName = 'http' | 'ws' | 'tcp';
interface Slot { owner: Process; hold: IoHold }
interface Endpoint {
  key: string;
  host: string;
  port: number;
  server: http.Server | net.Server;
  wss?: WebSocketServer;
  slots: Partial<Record<SlotName, Slot>>;
}

const endpoints = new WeakMap<Computer, Map<string, Endpoint>>();
function endpointsOf(c: Computer): Map<string, Endpoint> {
  let m = endpoints.get(c);
  if (!m) { m = new Map(); endpoints.set(c, m); }
  return m;
}

function slotOf(scheme: string): SlotName {
  if (scheme === 'ws') return 'ws';
  if (scheme === 'tcp') return 'tcp';
  return 'http';
}
const keyOf = (kind: string, host: string, port: number) => `${kind}|${host}|${port}`;
const uriHost = (h: string) => (net.isIPv6(h) ? `[${h}]` : h);
const cleanIp = (ip: string | undefined) => (ip ?? '').replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');

function where(parsed: ParsedURI): { kind: 'http' | 'tcp'; slot: SlotName; host: string; port: number | undefined } {
  const scheme = parsed.scheme;
  if (scheme === 'https' || scheme === 'wss') throw new SyscallError(`Cannot listen on ${scheme}: secure servers are not supported`);
  const slot = slotOf(scheme);
  const kind = slot === 'tcp' ? 'tcp' : 'http';
  let host = parsed.host ? bareHost(parsed.host) : '127.0.0.1';
  if (host.toLowerCase() === 'localhost') host = '127.0.0.1';
  if (!net.isIP(host)) throw new SyscallError('Invalid IP address');
  const port = parsed.port ?? (kind === 'http' ? 80 : undefined);
  return { kind, slot, host, port };
}

function bindError(e: NodeJS.ErrnoException): SyscallError {
  if (e.code === 'EADDRINUSE') return new SyscallError('Address already in use');
  if (e.code === 'EACCES') return new SyscallError('Permission denied');
  if (e.code === 'EADDRNOTAVAIL') return new SyscallError('Address not available');
  return new SyscallError(e.message);
}

function serve(ep: Endpoint, c: Computer): void {
  const server = ep.server;
  server.on('error', () => { /* reported through listen's promise or ignored */ });
  if (server instanceof http.Server) {
    server.on('clientError', (_e, socket) => socket.destroy());
    server.on('request', (req, res) => {
      const slot = ep.slots.http;
      if (!slot || !slot.owner.alive) {
        res.writeHead(slot ? 503 : 426, { 'Content-Type': 'text/plain' });
        res.end(slot ? 'Service Unavailable\n' : 'Upgrade Required\n');
        return;
      }
      const max = netState(c).policy.maxDownload;
      const chunks: Buffer[] = [];
      let total = 0;
      let refused = false;
      req.on('data', (d: Buffer) => {
        if (refused) return;
        total += d.length;
        if (total > max) {
          refused = true;
          res.writeHead(413, { 'Content-Type': 'text/plain', Connection: 'close' });
          res.end('Payload Too Large\n');
          return;
        }
        chunks.push(d);
      });
      req.on('error', () => { refused = true; });
      req.on('end', () => {
        if (refused || !slot.owner.alive) return;
        const uri = `http://${uriHost(ep.host)}:${ep.port}${req.url ?? '/'}`;
        const ip = cleanIp(req.socket.remoteAddress);
        const h = new HttpServerHandle(slot.owner, req, res, Buffer.concat(chunks, total), uri, ip);
        slot.owner.queueEvent('network_request', { uri, ip, handle: h.ref });
      });
    });
    server.on('upgrade', (req, socket, head) => {
      socket.on('error', () => socket.destroy());
      const slot = ep.slots.ws;
      if (!slot || !slot.owner.alive || !ep.wss) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      ep.wss.handleUpgrade(req, socket, head, (ws) => {
        const owner = slot.owner;
        const uri = `ws://${uriHost(ep.host)}:${ep.port}${req.url ?? '/'}`;
        const h = new WsHandle(owner, ws, 'binary', true);
        if (!owner.alive) { h.release(); return; }
        owner.queueEvent('network_request', { uri, ip: cleanIp(req.socket.remoteAddress), handle: h.ref });
      });
    });
  } else {
    server.on('connection', (sock: net.Socket) => {
      const slot = ep.slots.tcp;
      if (!slot || !slot.owner.alive) { sock.destroy(); return; }
      const h = new TcpHandle(slot.owner, sock, true);
      slot.owner.queueEvent('network_request', { uri: `tcp://${uriHost(ep.host)}:${ep.port}`, ip: cleanIp(sock.remoteAddress), handle: h.ref });
    });
  }
}

function removeSlot(c: Computer, ep: Endpoint, slot: SlotName): void {
  const s = ep.slots[slot];
  if (!s) return;
  s.hold.release();
  delete ep.slots[slot];
  if (Object.keys(ep.slots).length) return;
  endpointsOf(c).delete(ep.key);
  ep.server.close();
  if (ep.server instanceof http.Server) ep.server.closeIdleConnections();
  ep.wss?.close();
}

function attach(proc: Process, ep: Endpoint, slot: SlotName): void {
  const c = proc.computer;
  ep.slots[slot] = { owner: proc, hold: new IoHold(c, 'passive') };
  proc.dependents.push(() => { if (ep.slots[slot]?.owner === proc) removeSlot(c, ep, slot); });
}

export async function listenScheme(proc: Process, _uri: string, parsed: ParsedURI): Promise<string> {
  const c = proc.computer;
  const { kind, slot, host, port } = where(parsed);
  if (port === undefined) throw new SyscallError('Missing port');
  const map = endpointsOf(c);
  const uriOf = (p: number) => `${parsed.scheme}://${uriHost(host)}:${p}`;
  if (port !== 0) {
    const ep = map.get(keyOf(kind, host, port));
    if (ep) {
      if (ep.slots[slot]) throw new SyscallError(ep.slots[slot]!.owner === proc ? 'Port already open' : 'Port open in another process');
      attach(proc, ep, slot);
      return uriOf(port);
    }
  }
  const server = kind === 'http' ? http.createServer() : net.createServer();
  await new Promise<void>((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => reject(bindError(e));
    server.once('error', onError);
    server.listen(port, host, () => { server.off('error', onError); resolve(); });
  });
  if (!proc.alive) { server.close(); throw new SyscallError('Process ended'); }
  const actual = (server.address() as net.AddressInfo).port;
  const ep: Endpoint = { key: keyOf(kind, host, actual), host, port: actual, server, slots: {} };
  if (kind === 'http') ep.wss = new (loadWs().WebSocketServer)({ noServer: true, maxPayload: netState(c).policy.maxWebsocketMessage });
  ep.wss?.on('error', () => { /* per-socket errors are handled by each handle */ });
  serve(ep, c);
  map.set(ep.key, ep);
  attach(proc, ep, slot);
  return uriOf(actual);
}

export function unlistenScheme(proc: Process, _uri: string, parsed: ParsedURI): void {
  const c = proc.computer;
  const { kind, slot, host, port } = where(parsed);
  if (port === undefined) throw new SyscallError('Missing port');
  const ep = endpointsOf(c).get(keyOf(kind, host, port));
  const s = ep?.slots[slot];
  if (!ep || !s) throw new SyscallError('Not listening');
  if (s.owner !== proc) throw new SyscallError('Port open in another process');
  removeSlot(c, ep, slot);
}
