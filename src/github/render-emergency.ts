import type { EmergencyOverride, WaivedControl } from '../policy/emergency-override.js';
import { escapeMarkdown as md } from './escape-markdown.js';

const NAME: Record<WaivedControl['control'], string> = {
  ticket: 'Change ticket',
  approval: 'Segregation of duties',
  checks: 'Required checks',
  security: 'Security findings',
  opa: 'Policy (OPA)',
  evaluation: 'Evaluation (could not be made)',
};
const ICON: Record<WaivedControl['outcome'], string> = { success: '✅', pending: '⏳', failure: '❌', error: '⚠️' };

/** One waived control, as a list item: `❌ Required checks: Failed: build`. */
export function waivedLine(waived: WaivedControl): string {
  return `${ICON[waived.outcome]} ${NAME[waived.control]}: ${md(waived.summary)}`;
}

/** The check run's "Emergency change" section: who authorised it, why, what was waived, and the follow-up. */
export function renderEmergencySection(emergency: EmergencyOverride): string {
  const issue = emergency.followUpIssue;
  return [
    `### 🚨 Emergency change authorised by @${emergency.by}`,
    '',
    'The controls below did not pass; an authorised person waived them for this head commit. A push needs a new authorisation.',
    '',
    `- Reason: ${md(emergency.reason)}`,
    `- Authorised at ${emergency.at} (audit entry #${emergency.auditSeq})`,
    '- Waived:',
    ...emergency.waived.map((w) => `  - ${waivedLine(w)}`),
    `- Follow-up: [${md(issue.repo)}#${issue.number}](${issue.url}); retrospective approval due by **${emergency.dueAt}**`,
  ].join('\n');
}
