const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns something truthy; fails after `timeoutMs` naming what it waited for. */
export async function waitFor<T>(
  what: string,
  probe: () => T | Promise<T>,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<NonNullable<T>> {
  const { timeoutMs = 15_000, intervalMs = 50 } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

export interface ActivitySource {
  activity(): { inFlight: number; lastAt: number };
}

/**
 * Waits until none of the simulators has received anything for `quietMs`. Probot's throttling spaces the app's
 * GitHub writes at least 1 s apart (plugin-throttling's write queue), so a quiet period longer than that means the
 * app has nothing more queued for GitHub.
 */
export async function waitForQuiet(sources: ActivitySource[], options: { quietMs?: number; timeoutMs?: number } = {}): Promise<void> {
  const { quietMs = 1500, timeoutMs = 20_000 } = options;
  await waitFor(
    `${quietMs} ms without requests to the simulators`,
    () => {
      const now = Date.now();
      return sources.every((s) => {
        const { inFlight, lastAt } = s.activity();
        return inFlight === 0 && now - lastAt >= quietMs;
      });
    },
    { timeoutMs, intervalMs: 100 },
  );
}
