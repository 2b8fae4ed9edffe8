import { z } from 'zod';
import type { ChangeEvidence } from '../policy/decide-deployment.js';
import type { AuditEntry, AuditStore } from './audit-entry.js';
import { findRetroApproval, retroStatus } from './emergency-status.js';
import { EmergencyRecord, MergeRecord } from './evidence-records.js';
import { currentMerges } from './current-merges.js';

/** The PR's commits as the merge entry's facts list them (the facts the verdict at merge used). */
const MergeFacts = z.object({
  facts: z
    .object({ commits: z.array(z.object({ sha: z.string() })) })
    .nullable()
    .optional(),
});

/** A merge entry that is not a merge record: the evidence cannot be read, so nothing may pass on it. */
export class EvidenceShapeError extends Error {
  constructor(entry: AuditEntry, error: z.ZodError) {
    super(`audit entry ${entry.seq} (merge) is not a valid merge record: ${z.prettifyError(error).replace(/\n/g, ' ')}`);
    this.name = 'EvidenceShapeError';
  }
}

function emergencyOf(input: {
  merge: AuditEntry;
  headSha: string;
  emergencies: AuditEntry[];
  retros: AuditEntry[];
  now: Date;
  check: (entry: AuditEntry) => void;
}): ChangeEvidence['emergency'] {
  const { merge, headSha, now } = input;
  // The latest authorisation of the merged head: an emergency covers the code it was given on, as an approval does.
  // An entry that is not an emergency record is passed over: it can only withhold a waiver, never grant one.
  for (const entry of [...input.emergencies].reverse()) {
    if (entry.prNumber !== merge.prNumber || entry.headSha !== headSha || entry.seq > merge.seq) continue;
    const record = EmergencyRecord.safeParse(entry.data);
    if (!record.success) continue;
    input.check(entry);
    const approval = findRetroApproval({ emergencySeq: entry.seq, approvals: input.retros, now });
    const retro = approval ? input.retros.find((r) => r.seq === approval.seq) : undefined;
    if (retro) input.check(retro);
    return {
      by: record.data.by,
      seq: entry.seq,
      retro: retroStatus({ dueAt: record.data.dueAt, approval, now }),
      retroBy: approval?.by ?? null,
    };
  }
  return null;
}

/**
 * Every merged change of the repository the audit trail holds, with the commits each covers and whether it
 * was approved or authorised as an emergency change (and where its retrospective approval stands at `now`).
 * Throws on a merge entry that is not a merge record: the caller fails closed.
 */
export async function readChangeEvidence(input: {
  store: AuditStore;
  repo: string;
  now: Date;
  /** Called on each merge, emergency and retrospective approval used; throws to refuse the entry (verify-evidence.ts). */
  check?: (entry: AuditEntry) => void;
}): Promise<ChangeEvidence[]> {
  const { store, repo, now } = input;
  const check = input.check ?? ((): void => undefined);
  const [merges, emergencies, retros] = await Promise.all([
    store.list({ repo, kinds: ['merge'] }),
    store.list({ repo, kinds: ['emergency'] }),
    store.list({ repo, kinds: ['retro-approval'] }),
  ]);
  return currentMerges(merges).map((merge) => {
    const parsed = MergeRecord.safeParse(merge.data);
    if (!parsed.success) throw new EvidenceShapeError(merge, parsed.error);
    check(merge);
    const record = parsed.data;
    const facts = MergeFacts.safeParse(merge.data);
    return {
      prNumber: record.pr.number,
      title: record.pr.title,
      url: record.pr.url,
      headSha: record.headSha,
      mergeSha: record.mergeSha,
      commits: facts.success ? (facts.data.facts?.commits ?? []).map((c) => c.sha) : [],
      mergeSeq: merge.seq,
      ticket: record.ticket?.key ?? null,
      gateState: record.gate?.state ?? null,
      atMergeState: record.atMerge.state,
      emergency: emergencyOf({ merge, headSha: record.headSha, emergencies, retros, now, check }),
    };
  });
}
