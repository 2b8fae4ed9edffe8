import { randomUUID } from 'node:crypto';
import { sign } from '../test/e2e/harness/webhooks.js';

export interface SignedDelivery {
  event: string;
  body: string;
  signature: string;
  id: string;
}

export interface Answer {
  status: number | 'timeout' | 'error';
  /** Milliseconds from sending to the answer's end. */
  ms: number;
}

/** Signs the payloads ahead of time, so the measured time is the app's, not the sender's HMAC. */
export function signAll(secret: string, events: Array<{ event: string; payload: unknown }>): SignedDelivery[] {
  return events.map(({ event, payload }) => {
    const body = JSON.stringify(payload);
    return { event, body, signature: sign(secret, body), id: randomUUID() };
  });
}

/** POSTs one delivery as GitHub does; GitHub gives up after 10 s. */
export async function post(url: string, delivery: SignedDelivery, timeoutMs = 10_000): Promise<Answer> {
  const started = performance.now();
  try {
    const res = await fetch(`${url}/api/github/webhooks`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'GitHub-Hookshot/bench',
        'x-github-event': delivery.event,
        'x-github-delivery': delivery.id,
        'x-hub-signature-256': delivery.signature,
      },
      body: delivery.body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer();
    return { status: res.status, ms: performance.now() - started };
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    return { status: timedOut ? 'timeout' : 'error', ms: performance.now() - started };
  }
}

/** Sends every delivery from `concurrency` senders at once; answers in delivery order. */
export async function sendConcurrently(url: string, deliveries: SignedDelivery[], concurrency: number): Promise<Answer[]> {
  const answers: Answer[] = new Array(deliveries.length);
  let next = 0;
  const sender = async () => {
    while (next < deliveries.length) {
      const index = next++;
      answers[index] = await post(url, deliveries[index]!);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, sender));
  return answers;
}
