/** A webhook that arrives while the process shuts down: 503, so GitHub (or the load balancer) sends it again elsewhere. */
export class ShuttingDownError extends Error {
  readonly status = 503;

  constructor() {
    super('shutting down: this replica accepts no more webhooks');
    this.name = 'ShuttingDownError';
  }
}

/** Whether webhooks are still accepted; closed once on SIGTERM/SIGINT. */
export interface ShutdownGate {
  readonly open: boolean;
  close(): void;
  /** Throws ShuttingDownError once closed (Probot answers with the error's status). */
  check(): void;
}

export function createShutdownGate(): ShutdownGate {
  let open = true;
  return {
    get open() {
      return open;
    },
    close() {
      open = false;
    },
    check() {
      if (!open) throw new ShuttingDownError();
    },
  };
}
