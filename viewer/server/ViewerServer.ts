/**
 * The viewer's HTTP + WebSocket server (node:http + ws). Routes:
 *   GET /             the page            GET /app.js       the bundled app
 *   GET /api/session  ViewerSession JSON  WS  /ws           LiveMessage stream (live runs)
 * Listens on loopback by default. Late WebSocket clients first receive every message sent so far,
 * so a browser that connects mid-run still sees the whole run. A busy port is a result, not a
 * throw: with `portSearch` > 0 the next ports are tried, otherwise the error names the busy port.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { fail, ok, type Result } from '../../core/index.ts';
import type { BevSource } from './bevSource.ts';
import { bundleApp } from './bundleApp.ts';
import type { LiveMessage, ViewerSession } from './protocol.ts';

export interface ViewerServerOptions {
  /** Default 127.0.0.1 (loopback only). */
  host?: string;
  /** Default 0: an ephemeral port. */
  port?: number;
  /** When `port` is in use, try this many following ports (default 0: fail naming the port). */
  portSearch?: number;
  /** Serves `GET /api/bev?run=i&tick=k` (the BEV inset) when given. */
  bev?: BevSource;
}

export interface ViewerServer {
  url: string;
  port: number;
  /** Resolves when the first browser opens the WebSocket (a live run starts streaming then). */
  firstClient: Promise<void>;
  /** Sends a live message to every connected browser (and keeps it for late ones). */
  send(msg: LiveMessage): void;
  close(): Promise<void>;
}

/** Starts serving `session`; resolves once listening. */
export async function startViewer(
  session: ViewerSession,
  opts: ViewerServerOptions = {},
): Promise<Result<ViewerServer>> {
  const firstPort = opts.port ?? 0;
  if (!Number.isInteger(firstPort) || firstPort < 0 || firstPort > 65535)
    return fail('INVALID_INPUT', 'port', `must be an integer in 0..65535, got ${firstPort}`);
  const bundle = await bundleApp();
  if (!bundle.ok) return bundle;
  const { html, js } = bundle.value;
  const sessionJson = JSON.stringify({ ...session, bev: opts.bev !== undefined });
  const backlog: string[] = [];
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (req.method !== 'GET') return send(405, 'text/plain', 'GET only');
    if (path === '/' || path === '/index.html') return send(200, 'text/html; charset=utf-8', html);
    if (path === '/app.js') return send(200, 'text/javascript; charset=utf-8', js);
    if (path === '/api/session') return send(200, 'application/json', sessionJson);
    if (path === '/api/bev' && opts.bev) {
      const run = Number(url.searchParams.get('run'));
      const tick = Number(url.searchParams.get('tick'));
      let png: Buffer | undefined;
      try {
        png = Number.isInteger(run) && Number.isInteger(tick) ? opts.bev(run, tick) : undefined;
      } catch (e) {
        // A rendering failure must not take the server down; the inset shows the message.
        return send(500, 'text/plain', `BEV failed: ${(e as Error).message}`);
      }
      if (!png) return send(404, 'text/plain', `no tick ${tick} in run ${run}`);
      res.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'max-age=3600' });
      return res.end(png);
    }
    if (path === '/favicon.ico') return send(204, 'image/x-icon', '');
    return send(404, 'text/plain', `no such path ${path}`);
  };
  const server = createServer(handle);
  const search = firstPort === 0 ? 0 : Math.max(0, Math.min(opts.portSearch ?? 0, 65535 - firstPort));
  let listenError: NodeJS.ErrnoException | undefined;
  for (let port = firstPort; port <= firstPort + search; port++) {
    listenError = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
      const onError = (e: NodeJS.ErrnoException) => resolve(e);
      server.once('error', onError);
      server.listen(port, opts.host ?? '127.0.0.1', () => {
        server.off('error', onError);
        resolve(undefined);
      });
    });
    if (listenError?.code !== 'EADDRINUSE') break;
  }
  if (listenError) {
    const host = opts.host ?? '127.0.0.1';
    const tried = search > 0 ? `ports ${firstPort}–${firstPort + search} are` : `port ${firstPort} is`;
    if (listenError.code === 'EADDRINUSE')
      return fail(
        'IO_ERROR',
        `${host}:${firstPort}`,
        `${tried} in use (choose another with --port, or --port 0 for any free port)`,
      );
    if (listenError.code === 'EACCES')
      return fail(
        'IO_ERROR',
        `${host}:${firstPort}`,
        `no permission to listen on port ${firstPort} (ports below 1024 need privileges)`,
      );
    return fail('IO_ERROR', `${host}:${firstPort}`, listenError.message);
  }
  const wss = new WebSocketServer({ server, path: '/ws' });
  let firstClientSeen: () => void = () => {};
  const firstClient = new Promise<void>((resolve) => {
    firstClientSeen = resolve;
  });
  wss.on('connection', (ws: WebSocket) => {
    firstClientSeen();
    for (const m of backlog) ws.send(m);
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return ok({
    url: `http://${host}:${addr.port}/`,
    port: addr.port,
    firstClient,
    send(msg) {
      const text = JSON.stringify(msg);
      backlog.push(text);
      for (const c of wss.clients) if (c.readyState === 1) c.send(text);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
