import { claimOnRow, toCreatedTicket, type CreatedTicketRow, type CreatedTicketStore } from './created-ticket-store.js';
import type { SqlDatabase } from './sql-database.js';

const COLUMNS = 'repo, pr_number, provider, ticket_key, claim, claimed_ms, attempts, body_written, closed_at';

/**
 * The created tickets in PostgreSQL, shared by replicas: a claim inserts the row or locks it (`FOR UPDATE`) in one
 * transaction, so two replicas never both hold it.
 */
export function createPostgresCreatedTickets(db: SqlDatabase, now: () => Date): CreatedTicketStore {
  const one = async (sql: string, params: unknown[]) => (await db.query<CreatedTicketRow>(sql, params)).rows[0] ?? null;
  return {
    get: async (repo, prNumber) => {
      const row = await one(`SELECT ${COLUMNS} FROM created_tickets WHERE repo = $1 AND pr_number = $2`, [repo, prNumber]);
      return row ? toCreatedTicket(row) : null;
    },
    byKey: async (key) => {
      const row = await one(`SELECT ${COLUMNS} FROM created_tickets WHERE upper(ticket_key) = upper($1)`, [key]);
      return row ? toCreatedTicket(row) : null;
    },
    claim: (input) =>
      db.transaction(async (tx) => {
        const inserted = await tx.query(
          `INSERT INTO created_tickets (repo, pr_number, provider, claim, claimed_ms, attempts, created_at)
           VALUES ($1, $2, $3, $4, $5, 1, $6) ON CONFLICT (repo, pr_number) DO NOTHING RETURNING repo`,
          [input.repo, input.prNumber, input.provider, input.token, input.nowMs, now().toISOString()],
        );
        if (inserted.rows.length === 1) return { kind: 'claimed', token: input.token, reconcile: false };
        const { rows } = await tx.query<CreatedTicketRow>(
          `SELECT ${COLUMNS} FROM created_tickets WHERE repo = $1 AND pr_number = $2 FOR UPDATE`,
          [input.repo, input.prNumber],
        );
        const row = rows[0];
        if (row === undefined) throw new Error(`created_tickets row of ${input.repo}#${input.prNumber} vanished during its claim`);
        const decided = claimOnRow(row, input);
        if (decided !== 'take-over') return decided;
        await tx.query(
          'UPDATE created_tickets SET claim = $1, claimed_ms = $2, attempts = attempts + 1 WHERE repo = $3 AND pr_number = $4',
          [input.token, input.nowMs, input.repo, input.prNumber],
        );
        return { kind: 'claimed', token: input.token, reconcile: true };
      }),
    recordKey: async ({ repo, prNumber, token, key }) => {
      const { rows } = await db.query(
        'UPDATE created_tickets SET ticket_key = $1, claim = NULL WHERE repo = $2 AND pr_number = $3 AND claim = $4 AND ticket_key IS NULL RETURNING repo',
        [key, repo, prNumber, token],
      );
      return rows.length === 1;
    },
    release: async ({ repo, prNumber, token }) => {
      await db.query('UPDATE created_tickets SET claim = NULL WHERE repo = $1 AND pr_number = $2 AND claim = $3', [repo, prNumber, token]);
    },
    markBodyWritten: async (repo, prNumber) => {
      await db.query('UPDATE created_tickets SET body_written = true WHERE repo = $1 AND pr_number = $2', [repo, prNumber]);
    },
    markClosed: async (repo, prNumber, at) => {
      await db.query('UPDATE created_tickets SET closed_at = $1 WHERE repo = $2 AND pr_number = $3', [at, repo, prNumber]);
    },
  };
}
