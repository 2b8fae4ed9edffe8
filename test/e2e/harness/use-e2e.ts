import { afterAll, afterEach, beforeAll, beforeEach, expect } from '@jest/globals';
import { startE2E, type E2E } from './start-e2e.js';

/**
 * The setup every end-to-end file shares: start the app and the simulators once for the file, reset the
 * simulators before each test, fail a test on any request they did not expect, and stop everything after.
 * `started` receives the running E2E (assign it to the file's `e2e`).
 */
export function useE2E(started: (e2e: E2E) => void, options: Parameters<typeof startE2E>[0] = {}): void {
  let e2e: E2E | undefined;
  beforeAll(async () => {
    e2e = await startE2E(options);
    started(e2e);
  }, 180_000);
  afterAll(async () => {
    await e2e?.stop();
  });
  beforeEach(() => e2e?.reset());
  afterEach(() => {
    expect(e2e?.sims.unexpectedRequests()).toEqual({ github: [], jira: [] });
  });
}
