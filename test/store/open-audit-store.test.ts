import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { openAuditStore, readAuditEnv } from '../../src/store/open-audit-store.js';
import { newEntry } from '../audit/entries.js';
import { openUrlDatabase } from './url-database.js';

const dir = mkdtempSync(join(tmpdir(), 'cc-open-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readAuditEnv', () => {
  it.each([
    ['nothing set', {}, {}],
    ['empty values', { DATABASE_URL: '', AUDIT_SIGNING_KEY: '' }, {}],
    ['a SQLite file', { DATABASE_URL: 'sqlite:/var/lib/cc/audit.db' }, { databaseUrl: 'sqlite:/var/lib/cc/audit.db' }],
    ['PostgreSQL', { DATABASE_URL: 'postgres://cc@db/cc' }, { databaseUrl: 'postgres://cc@db/cc' }],
    ['postgresql://', { DATABASE_URL: 'postgresql://cc@db/cc' }, { databaseUrl: 'postgresql://cc@db/cc' }],
    ['a signing key', { AUDIT_SIGNING_KEY: 's'.repeat(32) }, { signingKey: 's'.repeat(32) }],
  ])('reads %s', (_case, env, expected) => {
    expect(readAuditEnv(env)).toEqual({ databaseUrl: undefined, signingKey: undefined, ...expected });
  });

  it.each(['mysql://root:hunter2@db/cc', 'sqlite:', 'file:./x.db'])('refuses DATABASE_URL=%s without echoing it', (url) => {
    expect(() => readAuditEnv({ DATABASE_URL: url })).toThrow(
      'DATABASE_URL must be one of sqlite:PATH, sqlite::memory:, postgres://… or postgresql://…',
    );
  });
});

describe('openAuditStore', () => {
  it('opens SQLite at the given path, creating its directory', async () => {
    const path = join(dir, 'nested', 'deeper', 'audit.db');

    const store = await openAuditStore({ databaseUrl: `sqlite:${path}` });
    await store.append(newEntry());
    await store.close();

    expect(store.kind).toBe('sqlite');
    expect(existsSync(path)).toBe(true);
  });

  it('defaults to ./data/change-control.db', async () => {
    const cwd = process.cwd();
    const home = mkdtempSync(join(dir, 'cwd-'));
    process.chdir(home);
    try {
      const store = await openAuditStore();
      await store.close();
    } finally {
      process.chdir(cwd);
    }

    expect(existsSync(join(home, 'data', 'change-control.db'))).toBe(true);
  });

  it('opens an in-memory SQLite store', async () => {
    const store = await openAuditStore({ databaseUrl: 'sqlite::memory:' });

    expect((await store.append(newEntry()))?.seq).toBe(1);
    await store.close();
  });

  it('signs entries with the key it is given', async () => {
    const store = await openAuditStore({ databaseUrl: 'sqlite::memory:', signingKey: 'q'.repeat(40) });

    expect((await store.append(newEntry()))?.signature).toEqual(expect.any(String));
    await store.close();
  });

  it.each([
    [
      'an unknown scheme',
      { databaseUrl: 'mongodb://db/cc' },
      'DATABASE_URL must be one of sqlite:PATH, sqlite::memory:, postgres://… or postgresql://…',
    ],
    ['a short signing key', { signingKey: 'short' }, /HMAC secret of at least 32 characters/],
    [
      'a public key (cannot sign)',
      { signingKey: generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString() },
      'AUDIT_SIGNING_KEY is an Ed25519 public key: the app needs the private key to sign entries',
    ],
  ])('refuses %s', async (_case, options, message) => {
    await expect(openAuditStore({ databaseUrl: 'sqlite::memory:', ...options })).rejects.toThrow(message);
  });

  it('opens PostgreSQL from a postgres:// URL and migrates it', async () => {
    const database = await openUrlDatabase();
    try {
      const store = await openAuditStore({ databaseUrl: database.url });
      const appended = await store.append(newEntry());
      await store.close();

      expect(store.kind).toBe('postgres');
      expect(appended?.seq).toBe(1);
      expect(await database.query(`SELECT count(*)::int AS n FROM ${database.schema}.audit_entries`)).toEqual([{ n: 1 }]);
    } finally {
      await database.close();
    }
  });
});
