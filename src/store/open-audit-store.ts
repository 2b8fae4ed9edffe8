import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pg from 'pg';
import { z } from 'zod';
import type { BatchingAuditStore } from './batching-audit-store.js';
import { createPostgresAuditStore } from './postgres-store.js';
import { parseSigningKey } from '../audit/signing.js';
import { poolDatabase } from './sql-database.js';
import { createSqliteAuditStore } from './sqlite-store.js';

export const DEFAULT_SQLITE_PATH = './data/change-control.db';

const SUPPORTED_URLS = 'sqlite:PATH, sqlite::memory:, postgres://… or postgresql://…';

/** Unset and empty are the same: the variable is not set. */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

export const AuditEnv = z.object({
  /** Where the audit store lives; unset means SQLite at ./data/change-control.db. */
  DATABASE_URL: optional(
    z.string().refine((url) => databaseTarget(url) !== null, {
      // The URL is not echoed: it may hold a password.
      error: `DATABASE_URL must be one of ${SUPPORTED_URLS}`,
    }),
  ),
  /** An Ed25519 private key in PEM, or an HMAC-SHA256 secret of at least 32 characters; unset means unsigned entries. */
  AUDIT_SIGNING_KEY: optional(z.string()),
});

export interface AuditEnvSettings {
  databaseUrl?: string;
  signingKey?: string;
}

/** Reads DATABASE_URL and AUDIT_SIGNING_KEY; throws a message that never contains either value. */
export function readAuditEnv(env: NodeJS.ProcessEnv): AuditEnvSettings {
  const parsed = AuditEnv.safeParse({ DATABASE_URL: env.DATABASE_URL, AUDIT_SIGNING_KEY: env.AUDIT_SIGNING_KEY });
  if (!parsed.success) throw new Error(parsed.error.issues.map((issue) => issue.message).join('; '));
  return { databaseUrl: parsed.data.DATABASE_URL, signingKey: parsed.data.AUDIT_SIGNING_KEY };
}

export interface OpenAuditStoreOptions {
  /** Unset: SQLite at ./data/change-control.db. `sqlite:PATH`, `sqlite::memory:`, `postgres://…`, `postgresql://…`. */
  databaseUrl?: string;
  /** AUDIT_SIGNING_KEY: entries are signed with it. Must be able to sign (not a public key). */
  signingKey?: string;
  /** Clock for bookkeeping columns (migration and meta times); entries carry their own `at`. */
  now?: () => Date;
}

export type DatabaseTarget = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

/** What a DATABASE_URL names, or null for a form we do not accept. */
export function databaseTarget(url: string): DatabaseTarget | null {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return { kind: 'postgres', url };
  if (!url.startsWith('sqlite:')) return null;
  const rest = url.slice('sqlite:'.length);
  // sqlite:///abs/path and sqlite://rel/path are accepted as well as sqlite:path.
  const path = rest.startsWith('//') ? rest.slice(2) : rest;
  return path === '' ? null : { kind: 'sqlite', path };
}

/** Opens the audit store the settings name and runs its migrations. */
export async function openAuditStore(options: OpenAuditStoreOptions = {}): Promise<BatchingAuditStore> {
  const signer = options.signingKey === undefined ? undefined : parseSigningKey(options.signingKey);
  if (signer && !signer.canSign) {
    throw new Error('AUDIT_SIGNING_KEY is an Ed25519 public key: the app needs the private key to sign entries');
  }
  const target = databaseTarget(options.databaseUrl ?? `sqlite:${DEFAULT_SQLITE_PATH}`);
  if (target === null) throw new Error(`DATABASE_URL must be one of ${SUPPORTED_URLS}`);
  if (target.kind === 'postgres') {
    // A database that does not answer fails the delivery (GitHub shows it, and redelivers) instead of holding it
    // past GitHub's 10 s webhook timeout.
    const pool = new pg.Pool({ connectionString: target.url, connectionTimeoutMillis: 5000 });
    // An idle connection that drops emits 'error' on the pool, which would crash the process without a
    // listener; the pool discards that connection and the next query reports any lasting failure.
    pool.on('error', () => undefined);
    return createPostgresAuditStore({ db: poolDatabase(pool), signer, now: options.now });
  }
  if (target.path !== ':memory:') mkdirSync(dirname(target.path), { recursive: true });
  return createSqliteAuditStore({ path: target.path, signer, now: options.now });
}
