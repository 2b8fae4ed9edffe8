import type { ServerResponse } from 'node:http';
import { listen, splitUrl } from '../http.js';

/**
 * A local stand-in for a smee.io channel (https://github.com/probot/smee.io): `GET /{channel}` is a
 * Server-Sent Events stream, as smee.io serves it — a `ready` event on connect, then one default (`message`)
 * event per delivery whose data is the delivery's headers (lower-case names) plus `body`, `query` and
 * `timestamp`. smee-client (what Probot starts for `WEBHOOK_PROXY_URL`) POSTs each one to the local app.
 */
export interface SmeeSimulator {
  /** The channel URL to give the app as WEBHOOK_PROXY_URL. */
  channelUrl: string;
  /** How many clients are listening on the channel now. */
  listeners(): number;
  /** Sends a delivery down the channel to every listener, as smee.io relays one GitHub sent it. */
  relay(delivery: { headers: Record<string, string>; body: unknown }): void;
  stop(): Promise<void>;
}

export async function startSmeeSimulator(options: { channel?: string } = {}): Promise<SmeeSimulator> {
  const channel = options.channel ?? 'change-control-demo';
  const clients = new Set<ServerResponse>();
  const server = await listen(async (req, res) => {
    const { path } = splitUrl(req.url);
    if (req.method !== 'GET' || path !== `/${channel}`) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('no such channel\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.write(`event: ready\ndata: ${JSON.stringify({})}\n\n`);
    clients.add(res);
    req.once('close', () => clients.delete(res));
  });
  return {
    channelUrl: `${server.url}/${channel}`,
    listeners: () => clients.size,
    relay({ headers, body }) {
      const data = {
        ...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
        body,
        query: {},
        timestamp: Date.now(),
      };
      for (const client of clients) client.write(`data: ${JSON.stringify(data)}\n\n`);
    },
    async stop() {
      for (const client of clients) client.end();
      await server.close();
    },
  };
}
