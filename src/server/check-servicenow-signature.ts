import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far the sender's clock may be from ours before a signed call is refused as stale (or from the future). */
export const SERVICENOW_SIGNATURE_TOLERANCE_MS = 5 * 60_000;

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

const first = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/** The 32 bytes of `sha256=<hex>` or `sha256=<base64>` (what ServiceNow's `generateMac` returns), else null. */
function macOf(header: string): Buffer | null {
  const value = /^sha256=(.+)$/.exec(header.trim())?.[1];
  if (value === undefined) return null;
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/]{43}=$/.test(value)) return Buffer.from(value, 'base64');
  return null;
}

/**
 * Checks `X-ServiceNow-Signature: sha256=<HMAC-SHA256 of "<timestamp>.<raw body>">` (hex or base64) and
 * `X-ServiceNow-Timestamp` (Unix milliseconds, within SERVICENOW_SIGNATURE_TOLERANCE_MS of `nowMs`). The timestamp is
 * signed with the body, so an old call cannot be replayed with a new time; the comparison is constant-time.
 * The reason says what is wrong, never the expected value.
 */
export function checkServiceNowSignature(input: {
  body: Buffer;
  signature: string | string[] | undefined;
  timestamp: string | string[] | undefined;
  secret: string;
  nowMs: number;
  toleranceMs?: number;
}): SignatureCheck {
  const signature = first(input.signature);
  const timestamp = first(input.timestamp)?.trim();
  if (signature === undefined || signature.trim() === '') return { ok: false, reason: 'missing X-ServiceNow-Signature' };
  if (timestamp === undefined || timestamp === '') return { ok: false, reason: 'missing X-ServiceNow-Timestamp' };
  if (!/^\d{1,16}$/.test(timestamp)) return { ok: false, reason: 'X-ServiceNow-Timestamp must be Unix time in milliseconds' };
  const mac = macOf(signature);
  if (mac === null) return { ok: false, reason: 'X-ServiceNow-Signature must be sha256=<hex or base64 HMAC-SHA256>' };
  const expected = createHmac('sha256', input.secret).update(`${timestamp}.`).update(input.body).digest();
  if (!timingSafeEqual(mac, expected))
    return {
      ok: false,
      reason: 'X-ServiceNow-Signature does not match (HMAC-SHA256 of "<timestamp>.<body>" with SERVICENOW_WEBHOOK_SECRET)',
    };
  // Checked after the signature: an unsigned caller learns nothing about our clock.
  const skew = Math.abs(input.nowMs - Number(timestamp));
  const tolerance = input.toleranceMs ?? SERVICENOW_SIGNATURE_TOLERANCE_MS;
  if (skew > tolerance)
    return {
      ok: false,
      reason: `X-ServiceNow-Timestamp is ${Math.round(skew / 1000)} s from the app's clock (at most ${tolerance / 1000} s): a replay or a wrong clock`,
    };
  return { ok: true };
}
