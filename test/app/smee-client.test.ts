import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from '@jest/globals';

/**
 * Probot 14 finds the smee client with `npxImport("smee-client@X")` (lib/helpers/webhook-proxy.js for
 * WEBHOOK_PROXY_URL, lib/manifest-creation.js for the setup page's channel). Outside `npx` that is a plain
 * `import('smee-client')` from Probot's dependency npx-import-light: without our devDependency it fails and Probot
 * warns `SmeeClient is not available`. The installed version must be the one Probot asks for.
 */
const require = createRequire(import.meta.url);
const probotLib = dirname(require.resolve('probot'));

describe('smee-client for Probot', () => {
  it.each(['helpers/webhook-proxy.js', 'manifest-creation.js'])('is installed in the version Probot’s %s imports', (file) => {
    const source = readFileSync(join(probotLib, file), 'utf8');
    const wanted = /npxImport\("smee-client@([^"]+)"/.exec(source)?.[1];
    const installed = (JSON.parse(readFileSync(require.resolve('smee-client/package.json'), 'utf8')) as { version: string }).version;
    expect(wanted).toBeDefined();
    expect(installed).toBe(wanted);
  });

  it('resolves from where Probot imports it, with the SmeeClient it uses', async () => {
    const fromNpxImport = createRequire(require.resolve('npx-import-light', { paths: [probotLib] }));
    const module = (await import(fromNpxImport.resolve('smee-client'))) as { SmeeClient?: { createChannel?: unknown } };
    expect(typeof module.SmeeClient).toBe('function');
    expect(typeof module.SmeeClient?.createChannel).toBe('function');
  });
});
