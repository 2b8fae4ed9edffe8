import type { Logger } from 'pino';
import type { AuditStore } from './audit-entry.js';
import type { WitnessSettings } from './witness-env.js';
import type { WitnessHead } from './witness.js';

/** How often the publisher looks at the head: one single-row query. */
export const WITNESS_POLL_MS = 5_000;

/**
 * Publishes the chain head (seq, hash, signature) to the witness every `everyEntries` new entries, or `everyMs`
 * after the last publication when the chain grew at all. A failed publication is logged as an error and tried
 * at the next poll; nothing in the store depends on it. Replicas may each publish: the witness keeps the highest.
 */
export function startWitnessPublisher(input: {
  store: AuditStore;
  settings: WitnessSettings;
  now: () => Date;
  log: Pick<Logger, 'info' | 'error'>;
  pollMs?: number;
}): { stop(): void; tick(): Promise<void> } {
  const { store, settings, now, log } = input;
  const { witness } = settings;
  let last: { seq: number; at: number } | null = null;
  let loaded = false;
  let running: Promise<void> | null = null;

  async function publishIfDue(): Promise<void> {
    if (!loaded) {
      const published = await witness.latest();
      last = published ? { seq: published.seq, at: Date.parse(published.publishedAt) } : null;
      loaded = true;
    }
    const [head] = await store.list({ newestFirst: true, limit: 1 });
    if (!head || (last !== null && head.seq <= last.seq)) return;
    const at = now();
    const due = last === null || head.seq - last.seq >= settings.everyEntries || at.getTime() - last.at >= settings.everyMs;
    if (!due) return;
    const published: WitnessHead = { seq: head.seq, hash: head.hash, signature: head.signature, publishedAt: at.toISOString() };
    await witness.publish(published);
    last = { seq: head.seq, at: at.getTime() };
    log.info({ witness: witness.name, seq: head.seq }, 'audit chain head published to the witness');
  }

  const tick = (): Promise<void> => {
    // One publication at a time: a slow witness must not stack ticks.
    running ??= publishIfDue()
      .catch((error: unknown) =>
        log.error({ err: error, witness: witness.name }, 'audit chain head not published to the witness; trying again'),
      )
      .finally(() => (running = null));
    return running;
  };
  const timer = setInterval(() => void tick(), input.pollMs ?? WITNESS_POLL_MS);
  timer.unref();
  return { stop: () => clearInterval(timer), tick };
}
