import type { AccessAt, ControlAt } from '../report/enforcement-at.js';

const actor = (b: { actorType: string; actorId: number | null; bypassMode: string; via: string }): string =>
  `${b.actorType}${b.actorId === null ? '' : ` ${b.actorId}`} (${b.bypassMode}, ${b.via})`;

/** `audit controls --at`: one block per repository and branch, then a count; unknown is never counted as enforced. */
export function formatControls(at: string, controls: ControlAt[]): string {
  const lines = [`Change control in force at ${at} (from the audit store; each state holds from its entry until the next)`, ''];
  for (const c of controls) {
    lines.push(`${c.repo} ${c.branch}: ${c.status.toUpperCase()} since ${c.since} (entry ${c.seq})`);
    for (const r of c.requiredBy)
      lines.push(`  required by: ${r.via}: ${r.context}${r.integrationId === null ? ' from any source' : ` from app ${r.integrationId}`}`);
    if (c.adminsEnforced !== null) lines.push(`  admins must follow branch protection: ${c.adminsEnforced ? 'yes' : 'no'}`);
    lines.push(
      `  can bypass: ${c.bypass.known ? (c.bypass.value.length === 0 ? 'nobody' : c.bypass.value.map(actor).join('; ')) : `unknown (${c.bypass.reason})`}`,
    );
    for (const reason of c.reasons) lines.push(`  note: ${reason}`);
  }
  const enforced = controls.filter((c) => c.status === 'enforced').length;
  lines.push('', `${enforced} of ${controls.length} controlled branches enforced; ${controls.length - enforced} not enforced or unknown`);
  return `${lines.join('\n')}\n`;
}

/** `audit access --at`: per repository, each person with what they could do and how they got it. */
export function formatAccess(at: string, reviews: AccessAt[]): string {
  const lines = [`User access at ${at} (from the audit store; each snapshot holds from its entry until the next)`, ''];
  for (const r of reviews) {
    lines.push(`${r.repo} (controlled branches: ${r.branches.join(', ') || 'none'}) since ${r.since} (entry ${r.seq})`);
    if (r.review === null) {
      lines.push(`  unknown: ${r.problem ?? ''}`);
      continue;
    }
    for (const p of r.review.people) {
      const can = [
        p.canApprove ? 'approve' : null,
        p.canMerge ? 'merge' : null,
        p.canPushDirectly.length > 0 ? `push directly to ${p.canPushDirectly.join(', ')}` : null,
      ]
        .concat(p.canBypass.map((b) => `bypass on ${b.branch} (${b.via})`))
        .filter((x): x is string => x !== null);
      lines.push(`  ${p.login} [${p.role}] via ${p.via.join(', ')}: ${can.length > 0 ? can.join('; ') : 'read only'}`);
    }
    for (const o of r.review.otherBypassers) lines.push(`  ${o.actor} can bypass on ${o.branch} (${o.via})`);
    for (const u of r.review.unknownBypass) lines.push(`  bypass on ${u.branch} unknown: ${u.reason}`);
  }
  return `${lines.join('\n')}\n`;
}
