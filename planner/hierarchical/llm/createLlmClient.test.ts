import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { checkLlm, LlmOptionsSchema } from './createLlmClient.ts';

/** A server on a free local port answering every request with `body` (status 200, `type`). */
async function serve(type: string, body: string): Promise<{ server: Server; url: string }> {
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': type }).end(body));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1` };
}
const stop = async (server: Server) => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
};
const openai = (url: string) => LlmOptionsSchema.parse({ kind: 'openai', url, model: 'm' });

// review 12, L6: a server answering 200 with a web page was reported as "no server", and a refused
// connection as "(fetch failed)"
describe('checkLlm says what is wrong with the model server', () => {
  it('a server that knows the model passes', async () => {
    const { server, url } = await serve('application/json', JSON.stringify({ data: [{ id: 'm' }] }));
    try {
      expect(await checkLlm(openai(url), 10_000)).toBeUndefined();
    } finally {
      await stop(server);
    }
  });

  it('a server answering 200 with HTML: it answered, but not with JSON (not "no server")', async () => {
    const { server, url } = await serve('text/html', '<html><body>login</body></html>');
    try {
      const m = await checkLlm(openai(url), 10_000);
      expect(m).toMatch(/answered, but not with JSON \(text\/html\): not an OpenAI-compatible server\?/);
      expect(m).not.toMatch(/no server/);
    } finally {
      await stop(server);
    }
  });

  it('a refused connection names the socket error, not "fetch failed"', async () => {
    // a port that was free a moment ago: nothing listens there now
    const { server, url } = await serve('application/json', '{}');
    await stop(server);
    const m = await checkLlm(openai(url), 10_000);
    expect(m).toMatch(/no server at http:\/\/127\.0\.0\.1:\d+\/v1 \(ECONNREFUSED\)/);
  });

  it('a port fetch refuses to use names the reason', async () => {
    expect(await checkLlm(openai('http://127.0.0.1:1/v1'), 10_000)).toMatch(/no server at .* \(bad port\)/);
  });
});
