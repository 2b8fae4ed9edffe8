/**
 * How far a repository's population is reconciled with GitHub: every merge into a controlled branch and every commit
 * on one between `from` and `upTo` was found on GitHub by a reconciliation sweep and is on record (or was queued to be
 * recorded through the durable queue). Not evidence (it moves): state kept beside the chain, like the meta values.
 */
export interface ReconciliationWatermark {
  /** `owner/name`. */
  repo: string;
  /** The earliest time the reconciled span covers, without a gap (ISO-8601). */
  from: string;
  /** The time up to which the span is reconciled: when the last successful sweep of it started (ISO-8601). */
  upTo: string;
}

/**
 * The watermark after a successful sweep of [since, upTo]: the span grows only when the swept window touches it (a
 * window starting after `upTo` would leave a gap in between, so the watermark stays as it was). The first sweep sets it.
 */
export function extendWatermark(
  existing: ReconciliationWatermark | null,
  run: { repo: string; since: string; upTo: string },
): ReconciliationWatermark {
  if (existing === null) return { repo: run.repo, from: run.since, upTo: run.upTo };
  const [since, upTo, from, end] = [run.since, run.upTo, existing.from, existing.upTo].map((t) => Date.parse(t)) as [
    number,
    number,
    number,
    number,
  ];
  // Disjoint: [since, upTo] starts after the span ends, or ends before it starts. Nothing proves the time between.
  if (since > end || upTo < from) return existing;
  return {
    repo: existing.repo,
    from: since < from ? run.since : existing.from,
    upTo: upTo > end ? run.upTo : existing.upTo,
  };
}
