/**
 * The viewer's HTTP + WebSocket server (node:http + ws). Routes:
 *   GET /             the page            GET /app.js       the bundled app
 *   GET /api/session  ViewerSession JSON  WS  /ws           LiveMessage stream (live runs)
 * Listens on loopback by default. Late WebSocket clients first receive every message sent so far,
 * so a browser that connects mid-run still sees the whole run.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { ok, type Result } from '../../core/index.ts';
import type { BevSource } from './bevSource.ts';
import { bundleApp } from './bundleApp.ts';
import type { LiveMessage, ViewerSession } from './protocol.ts';

export interface ViewerServerOptions {
  /** Default 127.0.0.1 (loopback only). */
  host?: string;
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Serves `GET /api/bev?run=i&tick=k` (the BEV inset) when given. */
  bev?: BevSource;
}

export interface ViewerServer {
  url: string;
  port: number;
  /** Sends a live message to every connected browser (and keeps it for late ones). */
  send(msg: LiveMessage): void;
  close(): Promise<void>;
}

/** Starts serving `session`; resolves once listening. */
export async function startViewer(
  session: ViewerSession,
  opts: ViewerServerOptions = {},
): Promise<Result<ViewerServer>> {
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
  const wss = new WebSocketServer({ server, path: '/ws' });
  wss.on('connection', (ws: WebSocket) => {
    for (const m of backlog) ws.send(m);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return ok({
    url: `http://${host}:${addr.port}/`,
    port: addr.port,
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
