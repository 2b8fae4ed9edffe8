import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * `sha256=<hex HMAC-SHA256 of the raw body>`, compared in constant time: GitHub's `X-Hub-Signature-256` and
 * Jira's `X-Hub-Signature` have the same form.
 */
export function isSignedBy(input: { body: Buffer; header: string | string[] | undefined; secret: string }): boolean {
  const header = Array.isArray(input.header) ? input.header[0] : input.header;
  const hex = /^sha256=([0-9a-fA-F]{64})$/.exec(header ?? '')?.[1];
  if (hex === undefined) return false;
  const expected = createHmac('sha256', input.secret).update(input.body).digest();
  return timingSafeEqual(Buffer.from(hex, 'hex'), expected);
}
