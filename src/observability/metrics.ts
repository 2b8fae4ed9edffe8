import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The app's Prometheus metrics (served at `GET /metrics`, docs/operations.md). One registry per
 * process; every name starts with `change_control_`. Modules update these directly; the queue's
 * gauges are read at scrape time from the source registered with {@link setQueueStatsSource}.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'change_control_' });

export const webhooksReceived = new Counter({
  name: 'change_control_webhooks_received_total',
  help: 'Signed webhooks accepted, by event name',
  labelNames: ['event'] as const,
  registers: [registry],
});

export const webhooksDuplicate = new Counter({
  name: 'change_control_webhooks_duplicate_total',
  help: 'Deliveries dropped because the same delivery id was already recorded',
  registers: [registry],
});

export const coalescedEvents = new Counter({
  name: 'change_control_coalesced_events_total',
  help: 'Events merged into work already queued or in flight for the same pull request',
  registers: [registry],
});

export const evaluations = new Counter({
  name: 'change_control_evaluations_total',
  help: 'Evaluations finished, by outcome (published, skipped, failed, requeued)',
  labelNames: ['outcome'] as const,
  registers: [registry],
});

export const verdicts = new Counter({
  name: 'change_control_verdicts_total',
  help: 'Verdicts published, by state (success, pending, failure, error)',
  labelNames: ['state'] as const,
  registers: [registry],
});

export const evaluationDuration = new Histogram({
  name: 'change_control_evaluation_duration_seconds',
  help: 'Time to evaluate one pull request (read, decide, publish, record)',
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  registers: [registry],
});

export const githubRequests = new Counter({
  name: 'change_control_github_requests_total',
  help: 'Requests made to GitHub, by kind (read = GET/HEAD, graphql, token = installation token, write = content-creating) and HTTP status or "network"',
  labelNames: ['kind', 'status'] as const,
  registers: [registry],
});

export const githubRateLimitWaits = new Counter({
  name: 'change_control_github_rate_limit_waits_total',
  help: 'Times a GitHub request waited for a rate limit, by limit (primary, secondary)',
  labelNames: ['limit'] as const,
  registers: [registry],
});

export const ticketLookupDuration = new Histogram({
  name: 'change_control_ticket_lookup_duration_seconds',
  help: 'Time of one ticket lookup at the provider (Jira, ServiceNow), by provider and outcome (ok, error, cached)',
  labelNames: ['provider', 'outcome'] as const,
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

export const opaDecisionDuration = new Histogram({
  name: 'change_control_opa_decision_duration_seconds',
  help: "Time of one decision asked of the organisation's OPA, by outcome (allow, deny, error)",
  labelNames: ['outcome'] as const,
  buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

export const policyCacheLookups = new Counter({
  name: 'change_control_policy_cache_lookups_total',
  help: 'Policy resolutions by result: hit (parsed policy reused for the same blobs) or miss (parsed)',
  labelNames: ['result'] as const,
  registers: [registry],
});

/** What the queue reports at scrape time. */
export interface QueueStats {
  /** Work items waiting or in flight. */
  depth: number;
  /** Age in seconds of the oldest waiting item (0 when none). */
  oldestAgeSeconds: number;
  /** Items waiting for a retry after a failed evaluation; omitted by a source that does not know. */
  retrying?: number;
  /** Queue rows moved aside because they could not be parsed; omitted by a source that does not know. */
  deadLetters?: number;
}

let queueStatsSource: (() => Promise<QueueStats>) | null = null;

/** The queue registers where its depth and age come from; until then both gauges read 0. */
export function setQueueStatsSource(source: (() => Promise<QueueStats>) | null): void {
  queueStatsSource = source;
}

async function readQueueStats(): Promise<QueueStats> {
  return queueStatsSource ? queueStatsSource() : { depth: 0, oldestAgeSeconds: 0 };
}

new Gauge({
  name: 'change_control_queue_depth',
  help: 'Evaluation work items waiting or in flight',
  registers: [registry],
  async collect() {
    this.set((await readQueueStats()).depth);
  },
});

new Gauge({
  name: 'change_control_queue_retrying',
  help: 'Evaluation work items waiting for a retry after a failed attempt (GitHub or Jira failing)',
  registers: [registry],
  async collect() {
    const { retrying } = await readQueueStats();
    if (retrying !== undefined) this.set(retrying);
  },
});

new Gauge({
  name: 'change_control_queue_dead_letters',
  help: 'Queue rows moved to queue_dead_letters because they could not be parsed (alert when above 0)',
  registers: [registry],
  async collect() {
    const { deadLetters } = await readQueueStats();
    if (deadLetters !== undefined) this.set(deadLetters);
  },
});

new Gauge({
  name: 'change_control_queue_oldest_age_seconds',
  help: 'Age of the oldest waiting evaluation work item',
  registers: [registry],
  async collect() {
    this.set((await readQueueStats()).oldestAgeSeconds);
  },
});

/** The process's peak resident set size (VmHWM in /proc/self/status); absent where /proc is not available. */
async function readPeakRss(): Promise<number | null> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile('/proc/self/status', 'utf8').catch(() => null);
  const kib = status === null ? null : /^VmHWM:\s+(\d+)\s+kB$/m.exec(status)?.[1];
  return kib ? Number(kib) * 1024 : null;
}

new Gauge({
  name: 'change_control_process_peak_resident_memory_bytes',
  help: 'Peak resident memory of the process since it started (VmHWM), in bytes',
  registers: [registry],
  async collect() {
    const peak = await readPeakRss();
    if (peak !== null) this.set(peak);
  },
});
