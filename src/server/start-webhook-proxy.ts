import type { Logger } from 'pino';

export interface WebhookProxy {
  stop(): Promise<void>;
}

/**
 * Local development the Probot way (docs/getting-started.md): with WEBHOOK_PROXY_URL (a smee.io channel), the
 * deliveries GitHub sends to the channel are forwarded to our own webhook route, so they pass the same request
 * guard and signature check as a direct delivery. Probot's `run()` does this for its own server; ours has to.
 * `smee-client` is a devDependency: where it is not installed (a production image) the proxy is skipped with a
 * warning, as Probot does.
 */
export async function startWebhookProxy(input: { url: string; target: string; log: Logger }): Promise<WebhookProxy | null> {
  const { url, target, log } = input;
  let SmeeClient: typeof import('smee-client').SmeeClient;
  try {
    ({ SmeeClient } = await import('smee-client'));
  } catch {
    log.warn('WEBHOOK_PROXY_URL is set but smee-client is not installed: run `npm install --save-dev smee-client` to proxy webhooks');
    return null;
  }
  const proxyLog = log.child({ name: 'webhook-proxy' });
  const client = new SmeeClient({
    source: url,
    target,
    // smee-client logs with console's signature; keep its lines in our (redacting) logger.
    logger: {
      info: (...args: unknown[]) => proxyLog.info(args.map(String).join(' ')),
      error: (...args: unknown[]) => proxyLog.error(args.map(String).join(' ')),
    },
  });
  await client.start();
  return { stop: () => client.stop() };
}
