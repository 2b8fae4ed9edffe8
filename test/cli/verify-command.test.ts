import { generateKeyPairSync } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { runCli } from '../../src/cli/run-cli.js';
import { verifyCommand } from '../../src/cli/verify-command.js';
import { captureIo, januaryEntries, seedStore, tempDir } from './seed.js';

const HMAC_SECRET = 'an-hmac-secret-of-at-least-32-characters';
const ed25519 = generateKeyPairSync('ed25519');
const ED25519_PRIVATE = ed25519.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const ED25519_PUBLIC = ed25519.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const OTHER_PUBLIC = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();

const temp = tempDir();
const path = (name: string): string => join(temp.dir, name);

beforeAll(async () => {
  await seedStore(path('plain.db'), januaryEntries());
  await seedStore(path('hmac.db'), januaryEntries(), HMAC_SECRET);
  await seedStore(path('ed25519.db'), januaryEntries(), ED25519_PRIVATE);
  writeFileSync(path('public.pem'), ED25519_PUBLIC);
  writeFileSync(path('other.pem'), OTHER_PUBLIC);
  writeFileSync(path('hmac.key'), `${HMAC_SECRET}\n`);
});
afterAll(() => temp.remove());

async function verify(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const captured = captureIo(env);
  const code = await runCli(['audit', 'verify', ...args], captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

describe('audit verify', () => {
  it('prints OK with the entry count and head hash, exit 0', async () => {
    const { code, stdout, stderr } = await verify(['--database', `sqlite:${path('plain.db')}`]);

    expect(code).toBe(0);
    expect(stdout).toMatch(/^OK: 14 entries, head [0-9a-f]{64}\n$/);
    expect(stderr).toBe('checked: hashes only (signatures not checked: pass --key-file or set AUDIT_SIGNING_KEY)\n');
  });

  it('takes the store from DATABASE_URL when there is no --database', async () => {
    const captured = captureIo({ DATABASE_URL: `sqlite:${path('plain.db')}` });

    await expect(verifyCommand({}, captured.io)).resolves.toBe(0);
    expect(captured.stdout()).toMatch(/^OK: 14 entries/);
  });

  it.each([
    ['an HMAC secret in AUDIT_SIGNING_KEY', 'hmac.db', null, { AUDIT_SIGNING_KEY: HMAC_SECRET }, 'hmac-sha256'],
    ['an HMAC secret in a key file (trailing line break ignored)', 'hmac.db', 'hmac.key', {}, 'hmac-sha256'],
    ['an Ed25519 public key file', 'ed25519.db', 'public.pem', {}, 'ed25519'],
    [
      'a key file, which wins over AUDIT_SIGNING_KEY',
      'ed25519.db',
      'public.pem',
      { AUDIT_SIGNING_KEY: 'not a key, and not read' },
      'ed25519',
    ],
    ['the Ed25519 private key in AUDIT_SIGNING_KEY', 'ed25519.db', null, { AUDIT_SIGNING_KEY: ED25519_PRIVATE }, 'ed25519'],
  ])('verifies signatures with %s', async (_case, db, keyFile, env, algorithm) => {
    const keyArgs = keyFile === null ? [] : ['--key-file', path(keyFile)];

    const { code, stdout, stderr } = await verify(['--database', `sqlite:${path(db)}`, ...keyArgs], env);

    expect(code).toBe(0);
    expect(stdout).toMatch(/^OK: 14 entries, head [0-9a-f]{64}\n$/);
    expect(stderr).toBe(`checked: hashes and ${algorithm} signatures\n`);
  });

  it.each([
    ['another Ed25519 public key', 'ed25519.db', ['--key-file', path('other.pem')], {}, 'BROKEN at entry 1: signature does not verify'],
    ['another HMAC secret', 'hmac.db', [], { AUDIT_SIGNING_KEY: 'x'.repeat(32) }, 'BROKEN at entry 1: signature does not verify'],
    [
      'a key for a store that was never signed',
      'plain.db',
      ['--key-file', path('public.pem')],
      {},
      'BROKEN at entry 1: entry is not signed',
    ],
  ])('exits 1 with %s', async (_case, db, args, env, message) => {
    const { code, stdout } = await verify(['--database', `sqlite:${path(db)}`, ...args], env);

    expect(code).toBe(1);
    expect(stdout).toBe(`${message} (0 entries verified before it)\n`);
  });

  it('names the first changed entry after the triggers are dropped and a row is rewritten, exit 1', async () => {
    const tampered = path('tampered.db');
    await seedStore(tampered, januaryEntries());
    const db = new Database(tampered);
    // What an attacker with file access does: audit_entries_no_update is the trigger of migration 1.
    db.exec('DROP TRIGGER audit_entries_no_update');
    db.prepare("UPDATE audit_entries SET data = replace(data, 'admin-carol', 'bob') WHERE seq = 11").run();
    db.close();

    const { code, stdout } = await verify(['--database', `sqlite:${tampered}`]);

    expect(code).toBe(1);
    expect(stdout).toBe('BROKEN at entry 11: hash mismatch: the entry was changed after it was written (10 entries verified before it)\n');
  });

  it('prints OK for an empty store, with the genesis hash as head', async () => {
    await seedStore(path('empty.db'), []);

    const { code, stdout } = await verify(['--database', `sqlite:${path('empty.db')}`]);

    expect(code).toBe(0);
    expect(stdout).toBe(`OK: 0 entries, head ${'0'.repeat(64)}\n`);
  });

  it.each([
    [
      'a missing key file',
      ['--key-file', '/nonexistent/public.pem'],
      {},
      'error: --key-file /nonexistent/public.pem cannot be read (ENOENT)',
    ],
    [
      'a short HMAC secret',
      [],
      { AUDIT_SIGNING_KEY: 'short' },
      'error: AUDIT_SIGNING_KEY must be an Ed25519 key in PEM or an HMAC secret of at least 32 characters; got a secret of 5 characters',
    ],
    ['an unknown option', ['--keyfile', 'x'], {}, "error: unknown option '--keyfile'"],
    ['an argument it does not take', ['acme/payments'], {}, "error: too many arguments for 'verify'"],
  ])('exits 2 with %s', async (_case, args, env, message) => {
    const { code, stdout, stderr } = await verify(['--database', `sqlite:${path('plain.db')}`, ...args], env);

    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
  });

  it('names the key file, not AUDIT_SIGNING_KEY, when the file holds no usable key', async () => {
    writeFileSync(path('short.key'), 'short\n');

    const { code, stderr } = await verify(['--database', `sqlite:${path('plain.db')}`, '--key-file', path('short.key')]);

    expect(code).toBe(2);
    expect(stderr).toBe(
      `error: --key-file ${path('short.key')} must be an Ed25519 key in PEM or an HMAC secret of at least 32 characters; got a secret of 5 characters\n`,
    );
  });

  it('exits 2 for a missing database and does not create it (flag or DATABASE_URL)', async () => {
    const fromFlag = await verify(['--database', `sqlite:${path('missing.db')}`]);
    const fromEnv = await verify([], { DATABASE_URL: `sqlite:${path('missing.db')}` });

    expect([fromFlag.code, fromEnv.code]).toEqual([2, 2]);
    expect(fromFlag.stderr).toBe(`error: no audit store at ${path('missing.db')}\n`);
    expect(fromEnv.stderr).toBe(fromFlag.stderr);
    expect(existsSync(path('missing.db'))).toBe(false);
  });
});
