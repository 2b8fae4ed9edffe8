import type { SecurityCountsRecord } from '../audit/evidence-records.js';

/** The security control's counts of one source at merge. */
export interface SecurityCountsItem {
  source: 'code_scanning' | 'dependencies';
  critical: number;
  high: number;
  medium: number;
  low: number;
}

/** One item per source the merge record counted (none without `security:`, or for an older record). */
export function securityCounts(record: SecurityCountsRecord | null | undefined): SecurityCountsItem[] {
  if (!record) return [];
  return [
    ...(record.codeScanning ? [{ source: 'code_scanning' as const, ...record.codeScanning }] : []),
    ...(record.dependencies ? [{ source: 'dependencies' as const, ...record.dependencies }] : []),
  ];
}

/** `code_scanning critical=1 high=0 medium=0 low=2`: as the CSV, the HTML export and the dashboard show it. */
export function formatSecurityCounts(item: SecurityCountsItem): string {
  return `${item.source} critical=${item.critical} high=${item.high} medium=${item.medium} low=${item.low}`;
}
