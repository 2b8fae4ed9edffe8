import type { AuditStore } from '../audit/audit-entry.js';
import { buildExportRows } from './build-export.js';
import type { ExportRow } from './export-row.js';
import { isOfType, type ChangeFilter } from './change-filter.js';
import { readChanges } from './read-changes.js';

const same = (a: string | null | undefined, b: string): boolean => typeof a === 'string' && a.toLowerCase() === b.toLowerCase();

/** Whether an exception row (a bypass or an emergency change) is in the filter's population. */
export function matchesExceptionRow(filter: ChangeFilter, row: ExportRow): boolean {
  if (filter.org !== undefined && !same(row.repo.split('/')[0], filter.org)) return false;
  if (filter.verdict !== undefined && (row.gate_state ?? 'none') !== filter.verdict) return false;
  if (filter.exception === 'none') return false;
  if (filter.exception !== undefined && filter.exception !== 'any' && !isOfType(row.type, filter.exception)) return false;
  if (filter.ticket !== undefined && !same(row.ticket, filter.ticket)) return false;
  if (filter.person !== undefined) {
    const people = [row.author, row.merged_by, row.authorised_by, ...row.approvers.map((approver) => approver.login)];
    if (!people.some((login) => same(login, filter.person ?? ''))) return false;
  }
  return true;
}

/**
 * The rows of `audit export` (or `audit export --exceptions`) for the filter's period and repository, narrowed to
 * the filter's population: merged changes by the same rules as the Changes page (so both show the same changes),
 * exceptions by their own fields. Same rows, same formatters as the CLI.
 */
export async function readExportRows(input: {
  store: AuditStore;
  filter: ChangeFilter;
  exceptions: boolean;
  now: Date;
}): Promise<ExportRow[]> {
  const { store, filter, exceptions, now } = input;
  const query = { since: filter.since, until: filter.until, exceptions, ...(filter.repo ? { repo: filter.repo } : {}) };
  const rows = await buildExportRows({ store, query, now });
  if (exceptions) return rows.filter((row) => matchesExceptionRow(filter, row));
  const population = new Set((await readChanges({ store, filter, now })).map((change) => change.mergeSeq));
  return rows.filter((row) => population.has(row.audit_seq));
}
