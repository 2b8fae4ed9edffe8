import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as a simulator records it: enough to count reads and writes and to explain a failure. */
export interface RecordedRequest {
  /** Order of arrival across the simulator's lifetime (not reset). */
  seq: number;
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  /** The HTTP status the simulator answered with, or null while unanswered or when the connection was dropped. */
  status: number | null;
  at: number;
}

/** A request the simulator did not expect (unknown route, invalid query or body): a test asserts there are none. */
export interface UnexpectedRequest {
  method: string;
  path: string;
  reason: string;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 on a free port. Handler errors answer 500 (and are the handler's to record). */
export async function listen(handler: Handler): Promise<RunningServer> {
  const server: Server = createServer((req, res) => {
    handler(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`simulator error: ${error instanceof Error ? error.message : String(error)}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets of the app's HTTP client would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

export function splitUrl(rawUrl: string | undefined): { path: string; query: Record<string, string> } {
  const url = new URL(rawUrl ?? '/', 'http://simulator.invalid');
  return { path: decodeURIComponent(url.pathname), query: Object.fromEntries(url.searchParams) };
}
