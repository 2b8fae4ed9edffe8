import type Database from 'better-sqlite3';
import {
  claimOnRow,
  toCreatedTicket,
  type ClaimInput,
  type CreatedTicketRow,
  type CreatedTicketStore,
  type CreationClaim,
} from './created-ticket-store.js';

const COLUMNS = 'repo, pr_number, provider, ticket_key, claim, claimed_ms, attempts, body_written, closed_at';

/** The created tickets in SQLite; a claim runs in an IMMEDIATE transaction (the file's write lock). */
export function createSqliteCreatedTickets(db: Database.Database, now: () => Date): CreatedTicketStore {
  const select = db.prepare(`SELECT ${COLUMNS} FROM created_tickets WHERE repo = ? AND pr_number = ?`);
  const selectByKey = db.prepare(`SELECT ${COLUMNS} FROM created_tickets WHERE upper(ticket_key) = upper(?)`);
  const insert = db.prepare(
    'INSERT INTO created_tickets (repo, pr_number, provider, claim, claimed_ms, attempts, created_at) VALUES (?, ?, ?, ?, ?, 1, ?)',
  );
  const takeOver = db.prepare(
    'UPDATE created_tickets SET claim = ?, claimed_ms = ?, attempts = attempts + 1 WHERE repo = ? AND pr_number = ? AND ticket_key IS NULL',
  );
  const recordKey = db.prepare(
    'UPDATE created_tickets SET ticket_key = ?, claim = NULL WHERE repo = ? AND pr_number = ? AND claim = ? AND ticket_key IS NULL',
  );
  const release = db.prepare('UPDATE created_tickets SET claim = NULL WHERE repo = ? AND pr_number = ? AND claim = ?');
  const bodyWritten = db.prepare('UPDATE created_tickets SET body_written = 1 WHERE repo = ? AND pr_number = ?');
  const closed = db.prepare('UPDATE created_tickets SET closed_at = ? WHERE repo = ? AND pr_number = ?');

  const claim = db.transaction((input: ClaimInput): CreationClaim => {
    const row = select.get(input.repo, input.prNumber) as CreatedTicketRow | undefined;
    if (row === undefined) {
      insert.run(input.repo, input.prNumber, input.provider, input.token, input.nowMs, now().toISOString());
      return { kind: 'claimed', token: input.token, reconcile: false };
    }
    const decided = claimOnRow(row, input);
    if (decided !== 'take-over') return decided;
    takeOver.run(input.token, input.nowMs, input.repo, input.prNumber);
    return { kind: 'claimed', token: input.token, reconcile: true };
  });

  return {
    get: async (repo, prNumber) => {
      const row = select.get(repo, prNumber) as CreatedTicketRow | undefined;
      return row ? toCreatedTicket(row) : null;
    },
    byKey: async (key) => {
      const row = selectByKey.get(key) as CreatedTicketRow | undefined;
      return row ? toCreatedTicket(row) : null;
    },
    claim: async (input) => claim.immediate(input),
    recordKey: async ({ repo, prNumber, token, key }) => recordKey.run(key, repo, prNumber, token).changes === 1,
    release: async ({ repo, prNumber, token }) => void release.run(repo, prNumber, token),
    markBodyWritten: async (repo, prNumber) => void bodyWritten.run(repo, prNumber),
    markClosed: async (repo, prNumber, at) => void closed.run(at, repo, prNumber),
  };
}
