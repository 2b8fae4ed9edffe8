import { createPublicKey, verify, type KeyObject } from 'node:crypto';

/**
 * Checks the app's JWT as GitHub does for `POST /app/installations/{id}/access_tokens`: RS256, `iss` the app id,
 * not expired, at most 10 minutes long. Returns why it is refused, or null when it is good.
 * https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-json-web-token-jwt-for-a-github-app
 */
export function verifyAppJwt(input: {
  authorization: string | undefined;
  appId: number;
  publicKey: KeyObject | string | undefined;
  now: number;
}): string | null {
  const match = /^bearer\s+(\S+)$/i.exec(input.authorization ?? '');
  if (!match) return 'no Bearer JWT in the Authorization header';
  const parts = match[1]!.split('.');
  if (parts.length !== 3) return 'the JWT does not have three parts';
  const [header, payload, signature] = parts as [string, string, string];
  let claims: { iss?: unknown; iat?: unknown; exp?: unknown };
  let alg: unknown;
  try {
    alg = (JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: unknown }).alg;
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claims;
  } catch {
    return 'the JWT is not base64url JSON';
  }
  if (alg !== 'RS256') return `the JWT is signed with ${String(alg)}, not RS256`;
  if (String(claims.iss) !== String(input.appId)) return `the JWT is issued by ${String(claims.iss)}, not app ${input.appId}`;
  const seconds = Math.floor(input.now / 1000);
  if (typeof claims.exp !== 'number' || typeof claims.iat !== 'number') return 'the JWT lacks iat or exp';
  if (claims.exp <= seconds) return 'the JWT has expired';
  if (claims.exp - claims.iat > 600 + 60) return "the JWT's expiration time is too far in the future";
  if (input.publicKey !== undefined) {
    const key = typeof input.publicKey === 'string' ? createPublicKey(input.publicKey) : input.publicKey;
    const valid = verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, 'base64url'));
    if (!valid) return 'the JWT signature does not match the app public key';
  }
  return null;
}
