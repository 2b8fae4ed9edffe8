import type { AuditFilter } from '../audit/audit-entry.js';
import { ENTRY_COLUMNS } from './entry-row.js';

/**
 * The SELECT for `list`/`latest`, shared by both stores; `placeholder(n)` writes the n-th parameter
 * (`?` for SQLite, `$n` for PostgreSQL).
 */
export function filterToSql(filter: AuditFilter, placeholder: (index: number) => string): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const param = (value: unknown): string => {
    params.push(value);
    return placeholder(params.length);
  };
  const where: string[] = [];
  if (filter.repo !== undefined) where.push(`repo = ${param(filter.repo)}`);
  if (filter.prNumber !== undefined) where.push(`pr_number = ${param(filter.prNumber)}`);
  // An empty list of kinds matches nothing, as it says; omit `kinds` for every kind.
  if (filter.kinds !== undefined) {
    where.push(filter.kinds.length === 0 ? '1 = 0' : `kind IN (${filter.kinds.map((kind) => param(kind)).join(', ')})`);
  }
  if (filter.since !== undefined) where.push(`at_ms >= ${param(timeMs('since', filter.since))}`);
  if (filter.until !== undefined) where.push(`at_ms < ${param(timeMs('until', filter.until))}`);
  if (filter.afterSeq !== undefined) where.push(`seq > ${param(filter.afterSeq)}`);
  let sql = `SELECT ${ENTRY_COLUMNS} FROM audit_entries`;
  if (where.length > 0) sql += ` WHERE ${where.join(' AND ')}`;
  sql += ` ORDER BY seq ${filter.newestFirst ? 'DESC' : 'ASC'}`;
  if (filter.limit !== undefined) {
    if (!Number.isInteger(filter.limit) || filter.limit < 1) throw new Error(`limit must be a whole number ≥ 1, got ${filter.limit}`);
    sql += ` LIMIT ${param(filter.limit)}`;
  }
  return { sql, params };
}

function timeMs(name: string, iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`${name} must be an ISO-8601 time, got "${iso}"`);
  return ms;
}
