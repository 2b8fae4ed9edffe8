import { afterAll, afterEach, expect } from '@jest/globals';
import { DEFAULT_SERVICENOW_USER, startServiceNowSimulator, type ServiceNowSimulator } from '../../simulators/index.js';

/**
 * Starts the ServiceNow simulator for a test file (before the app, whose environment names its URL): stopped after
 * the file, checked for unexpected requests and reset after each test. `env` is what the app needs to reach it.
 */
export async function useServiceNowSimulator(): Promise<{ sn: ServiceNowSimulator; env: Record<string, string> }> {
  const sn = await startServiceNowSimulator();
  afterAll(() => sn.stop());
  afterEach(() => {
    expect(sn.unexpectedRequests()).toEqual([]);
    sn.reset();
  });
  return {
    sn,
    env: {
      SERVICENOW_INSTANCE_URL: sn.url,
      SERVICENOW_USERNAME: DEFAULT_SERVICENOW_USER.username,
      SERVICENOW_PASSWORD: DEFAULT_SERVICENOW_USER.password,
    },
  };
}
