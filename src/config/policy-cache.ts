import type { ConfigFile } from './config-file.js';
import { policyCacheLookups } from '../observability/metrics.js';
import { resolvePolicy, type ResolvedPolicy } from './resolve-policy.js';

export type PolicyFiles = { repoConfig: ConfigFile | null; orgConfig: ConfigFile | null };

/** Where each file comes from and which blob it is: blobs are content-addressed, so the same key is the same policy. */
function keyOf(files: PolicyFiles): string {
  const part = (file: ConfigFile | null) => (file === null ? null : [file.repo, file.path, file.blobSha]);
  return JSON.stringify([part(files.repoConfig), part(files.orgConfig)]);
}

function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}

/**
 * `resolvePolicy` memoised by the blobs of the repository's and the organisation's policy files (the
 * organisation's carries the floor), least recently used first out beyond `maxEntries`. A policy is parsed
 * once per blob: a push that changes it on the default branch gives a new blob, so it is parsed again.
 * Invalid policies are cached too (still `invalid`: fail closed). Results are frozen, as they are shared.
 */
export function createPolicyCache(options: { maxEntries: number; resolve?: typeof resolvePolicy }): (files: PolicyFiles) => ResolvedPolicy {
  const resolve = options.resolve ?? resolvePolicy;
  const entries = new Map<string, ResolvedPolicy>();
  return (files) => {
    const key = keyOf(files);
    const hit = entries.get(key);
    if (hit !== undefined) {
      // Map keeps insertion order: re-inserting marks the entry as the most recently used.
      entries.delete(key);
      entries.set(key, hit);
      policyCacheLookups.inc({ result: 'hit' });
      return hit;
    }
    policyCacheLookups.inc({ result: 'miss' });
    const resolved = deepFreeze(resolve(files));
    entries.set(key, resolved);
    if (entries.size > options.maxEntries) entries.delete(entries.keys().next().value as string);
    return resolved;
  };
}

/** The process's policy cache: pure and content-addressed, so sharing it across requests is safe. */
export const resolvePolicyCached = createPolicyCache({ maxEntries: 500 });
