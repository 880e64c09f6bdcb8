import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startViewer, type ViewerServer } from './ViewerServer.ts';

const PNG_BYTES = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

/** Occupies a free loopback port; resolves with the server and its port. */
function occupyPort(): Promise<{ blocker: Server; port: number }> {
  return new Promise((resolve) => {
    const blocker = createServer();
    blocker.listen(0, '127.0.0.1', () => {
      const a = blocker.address();
      resolve({ blocker, port: typeof a === 'object' && a ? a.port : 0 });
    });
  });
}

describe('viewer server routes', () => {
  let server: ViewerServer;
  beforeAll(async () => {
    const started = await startViewer(
      { runs: [], live: false },
      {
        bev: (run, tick) => {
          if (run === 1) throw new Error('raster out of memory');
          return run === 0 && tick === 0 ? PNG_BYTES : undefined;
        },
      },
    );
    if (!started.ok) throw new Error(started.error.message);
    server = started.value;
  }, 60_000);
  afterAll(() => server?.close());

  const get = (path: string, init?: RequestInit) => fetch(new URL(path, server.url), init);

  it('serves the page, the app and the session', async () => {
    expect((await get('/')).status).toBe(200);
    expect((await get('/app.js')).headers.get('content-type')).toContain('javascript');
    expect(await (await get('/api/session')).json()).toEqual({ runs: [], live: false, bev: true });
  });

  it('answers a method other than GET with 405', async () => {
    const r = await get('/api/session', { method: 'POST', body: '{}' });
    expect(r.status).toBe(405);
    expect(await r.text()).toBe('GET only');
  });

  it('answers an unknown path with 404 naming the path', async () => {
    const r = await get('/no/such/thing');
    expect(r.status).toBe(404);
    expect(await r.text()).toBe('no such path /no/such/thing');
  });

  it('serves the BEV PNG of a known tick, 404 for an unknown tick or a non-integer query', async () => {
    const okRes = await get('/api/bev?run=0&tick=0');
    expect(okRes.status).toBe(200);
    expect(okRes.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await okRes.arrayBuffer())).toEqual(PNG_BYTES);
    const missing = await get('/api/bev?run=0&tick=99');
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe('no tick 99 in run 0');
    expect((await get('/api/bev?run=zero&tick=0')).status).toBe(404);
  });

  it('turns a BEV rendering failure into a 500 with the message and keeps serving', async () => {
    const r = await get('/api/bev?run=1&tick=0');
    expect(r.status).toBe(500);
    expect(await r.text()).toBe('BEV failed: raster out of memory');
    expect((await get('/api/session')).status).toBe(200);
  });

  it('has no BEV route when no BEV source is given', async () => {
    const plain = await startViewer({ runs: [], live: false });
    if (!plain.ok) throw new Error(plain.error.message);
    try {
      const r = await fetch(new URL('/api/bev?run=0&tick=0', plain.value.url));
      expect(r.status).toBe(404);
      expect(await r.text()).toBe('no such path /api/bev');
    } finally {
      await plain.value.close();
    }
  });
});

describe('viewer server port', () => {
  it('names the busy port instead of throwing when it is in use and no search is asked', async () => {
    const { blocker, port } = await occupyPort();
    try {
      const r = await startViewer({ runs: [], live: false }, { port });
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe('IO_ERROR');
        expect(r.error.message).toContain(`port ${port} is in use`);
      }
    } finally {
      blocker.close();
    }
  });

  it('takes the next free port when the asked one is busy and a search is allowed', async () => {
    const { blocker, port } = await occupyPort();
    try {
      const r = await startViewer({ runs: [], live: false }, { port, portSearch: 20 });
      if (!r.ok) throw new Error(r.error.message);
      try {
        expect(r.value.port).toBeGreaterThan(port);
        expect(r.value.port).toBeLessThanOrEqual(port + 20);
        expect((await fetch(new URL('/api/session', r.value.url))).status).toBe(200);
      } finally {
        await r.value.close();
      }
    } finally {
      blocker.close();
    }
  });

  it('rejects a port outside 0..65535 as invalid input', async () => {
    const r = await startViewer({ runs: [], live: false }, { port: 99999 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('INVALID_INPUT');
  });
});
