import type { ServerResponse } from 'node:http';

/** No script at all, styles only from our own CSS file, images only inline (the chart is inline SVG). */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const SECURITY_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

export interface Reply {
  status: number;
  contentType: string;
  body: string;
  headers?: Record<string, string | string[]>;
  /** Audit data and anything per user: never stored by a browser or a proxy. */
  cache?: 'no-store' | 'public';
}

/** Writes a reply with the dashboard's security headers; HEAD gets the headers only. */
export function send(res: ServerResponse, method: string | undefined, reply: Reply): void {
  res.writeHead(reply.status, {
    ...SECURITY_HEADERS,
    'content-type': reply.contentType,
    'cache-control': reply.cache === 'public' ? 'public, max-age=3600' : 'no-store',
    ...reply.headers,
  });
  res.end(method === 'HEAD' ? undefined : reply.body);
}

export const html = (status: number, body: string, headers?: Record<string, string | string[]>): Reply => ({
  status,
  contentType: 'text/html; charset=utf-8',
  body,
  ...(headers ? { headers } : {}),
});

export const json = (status: number, body: unknown, headers?: Record<string, string | string[]>): Reply => ({
  status,
  contentType: 'application/json; charset=utf-8',
  body: `${JSON.stringify(body, null, 2)}\n`,
  ...(headers ? { headers } : {}),
});

export const redirect = (location: string, headers: Record<string, string | string[]> = {}): Reply => ({
  status: 302,
  contentType: 'text/plain; charset=utf-8',
  body: `Redirecting to ${location}\n`,
  headers: { location, ...headers },
});
