import type { StandardChangeMatch } from '../policy/match-standard-change.js';
import type { TicketKeySource } from '../policy/verdict.js';
import { escapeMarkdown as md } from './escape-markdown.js';

/** Where a ticket key came from, for the report: the PR, or the policy's standard change class. */
export function keyOrigin(source: Exclude<TicketKeySource, 'created'>): string {
  return source === 'standard-change' ? 'standing ticket of the standard change class, from the policy' : `found in the PR ${source}`;
}

/** Which standard change class covers the PR and why, and why each other class did not (a near miss is worth a line). */
export function renderStandardChangeSection(match: StandardChangeMatch): string {
  const { matched } = match;
  const heading = matched
    ? `### Standard change: ${md(matched.name)} (standing ticket ${md(matched.ticket)})`
    : '### Standard change: no class matches (the PR needs a ticket of its own)';
  const lines = match.checks.map((c) => {
    const icon = c.matched ? (matched?.name === c.name ? '✅' : '☑️') : '➖';
    const verb = c.matched ? (matched?.name === c.name ? 'matches' : 'also matches (the first class applies)') : 'does not match';
    return `- ${icon} \`${md(c.name)}\` ${verb}: ${c.reasons.map(md).join('; ')}`;
  });
  const approval = matched?.approvalNote ? [`- ${md(matched.approvalNote)}`] : [];
  return [heading, '', ...lines, ...approval].join('\n');
}
