import type { DryRunReport } from '../github/dry-run-report.js';

export type DryRunFormat = 'text' | 'markdown' | 'json';

const short = (sha: string): string => sha.slice(0, 7);

/** `owner/name:path@sha (candidate)`, or none. */
function policyLine(report: DryRunReport): string {
  const { policy } = report;
  const file = policy ? `${policy.repo}:${policy.path}@${short(policy.blobSha)}` : 'none';
  return `${file}${report.candidate ? ' (candidate, not on the default branch)' : ''}`;
}

/** The check run's conclusion as GitHub shows it: completed with a conclusion, or in progress. */
const checkRunState = (report: DryRunReport): string =>
  report.checkRun.conclusion === null ? report.checkRun.status : `${report.checkRun.status}, ${report.checkRun.conclusion}`;

/**
 * The report a dry run produced. `json`: the object `POST /api/v1/simulate` answers. `text` and `markdown`: the
 * status, then the check run's title, summary and text exactly as the app would post them (not re-rendered).
 */
export function formatDryRun(report: DryRunReport, format: DryRunFormat): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  const { pullRequest: pr, status, checkRun } = report;
  const { title, summary, text } = checkRun.output;
  // The check run's own text, not re-rendered: what the app would post, byte for byte.
  const posted = [summary, '', text, ''];
  if (format === 'markdown') {
    return [
      `# Dry run of ${pr.repository}#${pr.number}: ${report.state}`,
      '',
      `- Status \`${status.context}\`: **${status.state}**: ${status.description}`,
      `- Check run \`${checkRun.name}\`: ${checkRunState(report)}`,
      `- Head: \`${pr.headSha}\``,
      `- Policy: \`${policyLine(report)}\``,
      '',
      `## ${title}`,
      '',
      ...posted,
    ].join('\n');
  }
  return [
    `${pr.repository}#${pr.number} at ${short(pr.headSha)}: ${report.state} (dry run: nothing was written)`,
    `status ${status.context}: ${status.state}: ${status.description}`,
    `check run ${checkRun.name}: ${checkRunState(report)}`,
    `policy: ${policyLine(report)}`,
    '',
    title,
    '',
    ...posted,
  ].join('\n');
}
