import { afterAll, afterEach, beforeAll, beforeEach, expect } from '@jest/globals';
import { startE2E, type E2E } from './start-e2e.js';

/**
 * The setup every end-to-end file shares: start the app and the simulators once for the file, reset the
 * simulators before each test, fail a test on any request they did not expect, and stop everything after.
 * `started` receives the running E2E (assign it to the file's `e2e`).
 */
export function useE2E(
  started: (e2e: E2E) => void,
  options: Parameters<typeof startE2E>[0] & {
    /** Runs after each reset, to arrange what every test of the file needs (teams, say). */
    afterReset?: (e2e: E2E) => void;
    /** Runs once the app and the simulators have stopped (to remove the file's own files). */
    afterStop?: () => void;
  } = {},
): void {
  const { afterReset, afterStop, ...startOptions } = options;
  let e2e: E2E | undefined;
  beforeAll(async () => {
    e2e = await startE2E(startOptions);
    started(e2e);
  }, 180_000);
  afterAll(async () => {
    await e2e?.stop();
    afterStop?.();
  });
  beforeEach(() => {
    e2e?.reset();
    if (e2e) afterReset?.(e2e);
  });
  afterEach(() => {
    expect(e2e?.sims.unexpectedRequests()).toEqual({ github: [], jira: [] });
  });
}
