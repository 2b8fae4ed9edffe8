import type pg from 'pg';

/** The two calls the PostgreSQL store needs, so the same code runs on `pg` and on PGlite (tests). */
export interface SqlQueryable {
  query<R>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

export interface SqlDatabase extends SqlQueryable {
  /** Runs `fn` in one transaction on one connection: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A `pg` Pool as a SqlDatabase. (A PGlite instance is one already.) */
export function poolDatabase(pool: pg.Pool): SqlDatabase {
  return {
    query: async <R>(sql: string, params?: unknown[]) => {
      const result = await pool.query(sql, params);
      return { rows: result.rows as R[] };
    },
    transaction: async <T>(fn: (tx: SqlQueryable) => Promise<T>) => {
      const client = await pool.connect();
      let broken: Error | undefined;
      // A checked-out client has no pool listener: a connection that drops mid-transaction (the database stops)
      // emits 'error' on the client, which would end the process. Its queries fail with the error too; note it so
      // the client is discarded, not reused.
      const onError = (error: Error) => {
        broken = error;
      };
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const result = await fn({
          query: async <R>(sql: string, params?: unknown[]) => ({ rows: (await client.query(sql, params)).rows as R[] }),
        });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          // The connection is unusable: release(error) makes the pool discard it instead of reusing it.
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        }
        throw error;
      } finally {
        client.off('error', onError);
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}
