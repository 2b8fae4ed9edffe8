import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { entryHash } from '../../src/audit/canonical-hash.js';
import { parseSigningKey } from '../../src/audit/signing.js';
import { verifyChain } from '../../src/audit/verify-chain.js';
import { BACKENDS, type Backend } from '../store/backends.js';
import { appendNumbered } from './entries.js';

const HMAC_SECRET = 'k'.repeat(32);
const ed25519 = generateKeyPairSync('ed25519');
const ED25519_PRIVATE = ed25519.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const ED25519_PUBLIC = ed25519.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const HASH = 'ab'.repeat(32);

describe('parseSigningKey', () => {
  it.each([
    ['an HMAC secret of 32 characters', HMAC_SECRET, 'hmac-sha256', true],
    ['an Ed25519 private key', ED25519_PRIVATE, 'ed25519', true],
    ['an Ed25519 private key on one line with \\n', ED25519_PRIVATE.replace(/\n/g, '\\n'), 'ed25519', true],
    ['an Ed25519 public key (verify only)', ED25519_PUBLIC, 'ed25519', false],
  ])('reads %s', (_case, key, algorithm, canSign) => {
    const signer = parseSigningKey(key);

    expect(signer).toMatchObject({ algorithm, canSign });
  });

  it.each([
    ['HMAC', HMAC_SECRET],
    ['Ed25519', ED25519_PRIVATE],
  ])('%s signatures verify, and fail for another hash or a changed signature', (_case, key) => {
    const signer = parseSigningKey(key);

    const signature = signer.sign(HASH);

    expect(signer.verify(HASH, signature)).toBe(true);
    expect(signer.verify('cd'.repeat(32), signature)).toBe(false);
    expect(signer.verify(HASH, Buffer.from('x'.repeat(64)).toString('base64'))).toBe(false);
    expect(signer.verify(HASH, '')).toBe(false);
  });

  it('verifies Ed25519 signatures with the public key alone, and cannot sign with it', () => {
    const signature = parseSigningKey(ED25519_PRIVATE).sign(HASH);
    const verifier = parseSigningKey(ED25519_PUBLIC);

    expect(verifier.verify(HASH, signature)).toBe(true);
    expect(() => verifier.sign(HASH)).toThrow('AUDIT_SIGNING_KEY is an Ed25519 public key: it can verify signatures but not sign entries');
  });

  it.each([
    ['a short secret', 'short-but-secret', /HMAC secret of at least 32 characters; got a secret of 16 characters/],
    [
      'a key of another type',
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      /must be an Ed25519 key in PEM, got a ec key/,
    ],
    [
      'broken PEM',
      '-----BEGIN PRIVATE KEY-----\nnot-base64-secret\n-----END PRIVATE KEY-----',
      /looks like PEM but is not a readable private key/,
    ],
  ])('refuses %s with a message that does not contain the key', (_case, key, message) => {
    let error: unknown;
    try {
      parseSigningKey(key);
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain(key.includes('BEGIN') ? key.split('\n')[1] : key);
  });
});

describe.each(BACKENDS.map((make) => [make().name, make] as const))('signed entries on %s', (_name, make) => {
  const backend: Backend = make();
  beforeAll(() => backend.setup());
  afterAll(() => backend.teardown());

  it.each([
    ['HMAC-SHA256', HMAC_SECRET, HMAC_SECRET],
    ['Ed25519, verified with the public key', ED25519_PRIVATE, ED25519_PUBLIC],
  ])('signs each entry (%s) and the chain verifies with its signatures', async (_case, key, verifyKey) => {
    const { store } = await backend.fresh({ signer: parseSigningKey(key) });

    await appendNumbered(store, 3);

    const [first] = await store.list({ limit: 1 });
    expect(first?.signature).toEqual(expect.any(String));
    expect(await verifyChain(store.iterate(), { signer: parseSigningKey(verifyKey) })).toMatchObject({ ok: true, count: 3 });
  });

  it('reports a signature made with another key', async () => {
    const { store } = await backend.fresh({ signer: parseSigningKey(HMAC_SECRET) });
    await appendNumbered(store, 2);

    const result = await verifyChain(store.iterate(), { signer: parseSigningKey('o'.repeat(32)) });

    expect(result).toEqual({ ok: false, count: 0, brokenSeq: 1, reason: 'signature does not verify' });
  });

  it('reports unsigned entries when signatures are expected', async () => {
    const { store } = await backend.fresh();
    await appendNumbered(store, 2);

    const result = await verifyChain(store.iterate(), { signer: parseSigningKey(HMAC_SECRET) });

    expect(result).toEqual({ ok: false, count: 0, brokenSeq: 1, reason: 'entry is not signed' });
  });

  it('catches an attacker who rewrites an entry and recomputes every hash after it, but has no key', async () => {
    const db = await backend.fresh({ signer: parseSigningKey(ED25519_PRIVATE) });
    await appendNumbered(db.store, 4);
    await db.disableTriggers();
    let prevHash = (await db.store.list({ limit: 1 }))[0]?.hash ?? '';
    for (const entry of await db.store.list({ afterSeq: 1 })) {
      const data = entry.seq === 2 ? { index: 99 } : entry.data;
      const hash = entryHash({ ...entry, data, prevHash }, prevHash);
      await db.raw(
        `UPDATE audit_entries SET data = '${JSON.stringify(data)}', prev_hash = '${prevHash}', hash = '${hash}' WHERE seq = ${entry.seq}`,
      );
      prevHash = hash;
    }

    // Without the key the rewritten chain is consistent; the signatures are what give it away.
    expect(await verifyChain(db.store.iterate())).toMatchObject({ ok: true, count: 4 });
    expect(await verifyChain(db.store.iterate(), { signer: parseSigningKey(ED25519_PUBLIC) })).toEqual({
      ok: false,
      count: 1,
      brokenSeq: 2,
      reason: 'signature does not verify',
    });
  });
});
