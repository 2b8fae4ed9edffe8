import { createHash, timingSafeEqual } from 'node:crypto';

/** SHA-256 of a token: the app keeps only these, so a heap dump or a log line never shows a usable token. */
export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/**
 * Whether a presented bearer token is one of the configured ones. Hashing first gives equal-length values for
 * timingSafeEqual, and every configured hash is compared (no early exit) so the time does not tell which matched.
 */
export function matchesApiToken(presented: string, hashes: readonly Buffer[]): boolean {
  const candidate = hashToken(presented);
  let matched = false;
  for (const hash of hashes) matched = timingSafeEqual(candidate, hash) || matched;
  return matched;
}

/** The token of an `Authorization: Bearer …` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1] ?? null;
}
