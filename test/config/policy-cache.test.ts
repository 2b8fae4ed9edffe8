import { beforeEach, describe, expect, it } from '@jest/globals';
import { createPolicyCache, type PolicyFiles } from '../../src/config/policy-cache.js';
import { resolvePolicy } from '../../src/config/resolve-policy.js';
import type { ConfigFile } from '../../src/github/read-pull-request-facts.js';
import { policyCacheLookups, registry } from '../../src/observability/metrics.js';

const PATH = '.github/change-control.yml';
const VALID = 'ticket:\n  projects: [CHG]\n  statuses: [Approved]\napproval:\n  count: 1\n';
const STRICTER = 'ticket:\n  projects: [CHG]\n  statuses: [Approved]\napproval:\n  count: 2\n';
const INVALID = 'approval:\n  count: two\n';
const FLOOR = VALID + 'floor:\n  approval:\n    count: 2\n';

const repoFile = (text: string, blobSha: string): ConfigFile => ({ repo: 'acme/api', path: PATH, blobSha, text });
const orgFile = (text: string, blobSha: string): ConfigFile => ({ repo: 'acme/.github', path: PATH, blobSha, text });

/** A cache over the real resolver that counts how often it parsed. */
function countingCache(maxEntries = 500) {
  const parsed: PolicyFiles[] = [];
  const cache = createPolicyCache({
    maxEntries,
    resolve: (files) => {
      parsed.push(files);
      return resolvePolicy(files);
    },
  });
  return { cache, parsed };
}

beforeEach(() => registry.resetMetrics());

describe('createPolicyCache', () => {
  it('parses a policy once per blob and returns the same resolution', async () => {
    const { cache, parsed } = countingCache();
    const files = { repoConfig: repoFile(VALID, 'b1'), orgConfig: null };
    const first = cache(files);
    const again = cache({ repoConfig: repoFile(VALID, 'b1'), orgConfig: null });
    expect(again).toBe(first);
    expect(first).toEqual(resolvePolicy(files));
    expect(parsed).toHaveLength(1);
    const lookups = await policyCacheLookups.get();
    expect(lookups.values.map((v) => [v.labels.result, v.value]).sort()).toEqual([
      ['hit', 1],
      ['miss', 1],
    ]);
  });

  it('parses again when the default branch brings a new blob', () => {
    const { cache, parsed } = countingCache();
    const before = cache({ repoConfig: repoFile(VALID, 'b1'), orgConfig: null });
    const after = cache({ repoConfig: repoFile(STRICTER, 'b2'), orgConfig: null });
    expect(parsed).toHaveLength(2);
    expect(before.kind === 'ok' && before.config.approval.count).toBe(1);
    expect(after.kind === 'ok' && after.config.approval.count).toBe(2);
  });

  it("keys on the organisation's blob too: a new floor applies at once", () => {
    const { cache, parsed } = countingCache();
    const noFloor = cache({ repoConfig: repoFile(VALID, 'b1'), orgConfig: orgFile(VALID, 'o1') });
    const withFloor = cache({ repoConfig: repoFile(VALID, 'b1'), orgConfig: orgFile(FLOOR, 'o2') });
    expect(parsed).toHaveLength(2);
    expect(noFloor.kind === 'ok' && noFloor.config.approval.count).toBe(1);
    expect(withFloor.kind === 'ok' && withFloor.config.approval.count).toBe(2);
  });

  it('keys on the repository: the same blob in another repository resolves with its own source', () => {
    const { cache } = countingCache();
    const a = cache({ repoConfig: repoFile(VALID, 'b1'), orgConfig: null });
    const b = cache({ repoConfig: { ...repoFile(VALID, 'b1'), repo: 'acme/web' }, orgConfig: null });
    expect(a.kind === 'ok' && a.source.repo).toBe('acme/api');
    expect(b.kind === 'ok' && b.source.repo).toBe('acme/web');
  });

  it('caches an invalid policy as invalid (fail closed), with its errors', () => {
    const { cache, parsed } = countingCache();
    const first = cache({ repoConfig: repoFile(INVALID, 'bad'), orgConfig: null });
    const again = cache({ repoConfig: repoFile(INVALID, 'bad'), orgConfig: null });
    expect(parsed).toHaveLength(1);
    expect(again).toBe(first);
    expect(first.kind).toBe('invalid');
    expect(first.kind === 'invalid' && first.errors[0]).toContain('acme/api:.github/change-control.yml');
  });

  it('caches "no policy" as none', () => {
    const { cache, parsed } = countingCache();
    expect(cache({ repoConfig: null, orgConfig: null })).toEqual({ kind: 'none' });
    expect(cache({ repoConfig: null, orgConfig: null })).toEqual({ kind: 'none' });
    expect(parsed).toHaveLength(1);
  });

  it('forgets the least recently used entry beyond its bound', () => {
    const { cache, parsed } = countingCache(2);
    const files = (blob: string) => ({ repoConfig: repoFile(VALID, blob), orgConfig: null });
    cache(files('b1'));
    cache(files('b2'));
    cache(files('b1')); // b1 is now the most recently used
    cache(files('b3')); // evicts b2
    cache(files('b1'));
    expect(parsed.map((f) => f.repoConfig?.blobSha)).toEqual(['b1', 'b2', 'b3']);
    cache(files('b2'));
    expect(parsed.map((f) => f.repoConfig?.blobSha)).toEqual(['b1', 'b2', 'b3', 'b2']);
  });

  it('freezes what it shares, so no caller can change the policy another evaluation uses', () => {
    const { cache } = countingCache();
    const resolved = cache({ repoConfig: repoFile(VALID, 'b1'), orgConfig: null });
    expect(resolved.kind).toBe('ok');
    if (resolved.kind !== 'ok') return;
    expect(() => {
      (resolved.config.approval as { count: number }).count = 0;
    }).toThrow(TypeError);
  });
});
