import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * A value signed with HMAC-SHA256 under SESSION_SECRET: `base64url(JSON).base64url(mac)`. The payload carries
 * its own expiry (`exp`, ms since the epoch), checked on every read, so a stolen or replayed cookie dies with it
 * even when the browser keeps it.
 */
export function signValue(payload: { exp: number } & Record<string, unknown>, secret: string): string {
  const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return `${body}.${mac(body, secret)}`;
}

function mac(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('base64url');
}

/** The payload of a signed value when its signature is valid, it parses with `schema` and it has not expired; else null. */
export function verifyValue<T extends z.ZodType<{ exp: number }>>(
  value: string,
  input: { secret: string; schema: T; now: Date },
): z.output<T> | null {
  const [body, signature, extra] = value.split('.');
  if (body === undefined || signature === undefined || extra !== undefined) return null;
  const expected = Buffer.from(mac(body, input.secret));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const parsed = input.schema.safeParse(json);
  if (!parsed.success || parsed.data.exp <= input.now.getTime()) return null;
  return parsed.data;
}

/** The cookies of a request (`Cookie` header), first value of each name. */
export function readCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at < 1) continue;
    const name = part.slice(0, at).trim();
    if (!cookies.has(name)) cookies.set(name, part.slice(at + 1).trim());
  }
  return cookies;
}

/** A `Set-Cookie` value: HttpOnly, SameSite=Lax, Secure under https; `maxAgeSeconds` 0 removes it. */
export function cookieHeader(input: { name: string; value: string; path: string; maxAgeSeconds: number; secure: boolean }): string {
  const parts = [`${input.name}=${input.value}`, `Path=${input.path}`, `Max-Age=${input.maxAgeSeconds}`, 'HttpOnly', 'SameSite=Lax'];
  if (input.secure) parts.push('Secure');
  return parts.join('; ');
}
