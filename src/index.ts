import type { ApplicationFunction, ApplicationFunctionOptions, Logger, Probot } from 'probot';
import type { AppDeps } from './evaluation/app-deps.js';
import { startOverdueSweep } from './app/commands/flag-overdue-emergencies.js';
import { CHECK_COMPLETED_EVENTS, onCheckCompleted } from './app/webhooks/on-check-completed.js';
import { onCheckRunRerequested } from './app/webhooks/on-check-run-rerequested.js';
import { onCodeScanningAlert } from './app/webhooks/on-code-scanning-alert.js';
import { onDeploymentCreated } from './app/deployments/on-deployment-created.js';
import { onDeploymentProtectionRule } from './app/deployments/on-deployment-protection-rule.js';
import { onDeploymentStatus } from './app/deployments/on-deployment-status.js';
import { onIssueComment } from './app/commands/on-issue-comment.js';
import { onPush } from './app/pushes/on-push.js';
import { onPullRequestClosed } from './app/webhooks/on-pull-request-closed.js';
import { MERGE_GROUP_EVENTS, onMergeGroup } from './app/webhooks/on-merge-group.js';
import { onPullRequest, PULL_REQUEST_EVENTS } from './app/webhooks/on-pull-request.js';
import { readWitnessEnv } from './audit/witness-env.js';
import { startWitnessPublisher } from './audit/witness-publisher.js';
import { createDepsFromEnv } from './app/read-app-env.js';
import { runQueuedWork } from './app/worker/run-queued-work.js';
import { createShutdownGate, type ShutdownGate } from './app/shutdown-gate.js';
import { registry, setQueueStatsSource } from './observability/metrics.js';
import { observeApp } from './observability/observe-app.js';
import { DEFAULT_QUEUE_SETTINGS } from './queue/queue-settings.js';
import { queueStatsSource } from './queue/queue-stats-source.js';
import { withWakeUp } from './queue/with-wake-up.js';
import { createWorker, type Worker } from './queue/worker.js';
import { dashboardDepsFromEnv } from './web/dashboard/dashboard-deps-from-env.js';
import { dashboardHandler } from './web/dashboard/dashboard-handler.js';
import type { Simulate } from './web/dashboard/dashboard-context.js';
import { dryRunWithProbot } from './evaluation/dry-run.js';
import { healthzHandler } from './web/healthz.js';
import { jiraWebhookHandler } from './app/webhooks/jira-webhook.js';
import { serviceNowWebhookHandler } from './app/webhooks/servicenow-webhook.js';
import { readServiceNowPollEnv } from './app/polls/read-servicenow-poll-env.js';
import { startServiceNowPoll } from './app/polls/start-servicenow-poll.js';
import { createMetricsHandler, readMetricsToken } from './web/metrics.js';
import { readinessChecks } from './web/readiness-checks.js';
import { createReadyzHandler } from './web/readyz.js';
import { ENFORCEMENT_EVENTS, onEnforcementEvent } from './app/enforcement/on-enforcement-event.js';
import { readEnforcementInterval, startEnforcementSweep } from './app/enforcement/start-enforcement-sweep.js';
import { readReconcileSettings, startReconcileSweep } from './app/reconciliation/start-reconcile-sweep.js';

/** The parts of a started app that its server entry (shutdown) and tests (drain) need. */
export interface StartedApp {
  deps: AppDeps;
  worker: Worker;
  gate: ShutdownGate;
  log: Logger;
}

export interface AppHooks {
  /** Called once the handlers are registered and the worker runs. */
  onStart?: (started: StartedApp) => void;
}

/** Wraps a handler so that it refuses deliveries (503) once shutdown began. */
function gated<C>(gate: ShutdownGate, handler: (context: C) => Promise<void>): (context: C) => Promise<void> {
  return async (context) => {
    gate.check();
    await handler(context);
  };
}

/** Builds the Probot app over the given dependencies (tests and the demo inject their own). */
export function createApp(deps?: AppDeps, hooks: AppHooks = {}): ApplicationFunction {
  return async (app: Probot, options: ApplicationFunctionOptions) => {
    const given = deps ?? (await createDepsFromEnv(app, process.env));
    const settings = given.queueSettings ?? DEFAULT_QUEUE_SETTINGS;
    const wake = { now: (): void => undefined };
    const appDeps: AppDeps = { ...given, queue: withWakeUp(given.queue, () => wake.now()) };
    const worker = createWorker({
      queue: appDeps.queue,
      run: runQueuedWork({ deps: appDeps, app }),
      settings,
      log: app.log.child({ name: 'queue' }),
    });
    wake.now = () => worker.wake();
    setQueueStatsSource(queueStatsSource(appDeps.queue));
    const gate = createShutdownGate();
    // Every trigger is queued (docs/queue.md); only the deployment gate answers inline (it must reject even when the store is down), and explain reads without publishing.
    app.on([...PULL_REQUEST_EVENTS], gated(gate, onPullRequest(appDeps)));
    app.on('pull_request.closed', gated(gate, onPullRequestClosed(appDeps)));
    app.on('push', gated(gate, onPush(appDeps)));
    app.on([...CHECK_COMPLETED_EVENTS], gated(gate, onCheckCompleted(appDeps)));
    app.on('check_run.rerequested', gated(gate, onCheckRunRerequested(appDeps)));
    app.on([...MERGE_GROUP_EVENTS], gated(gate, onMergeGroup(appDeps)));
    // Code scanning found, fixed or had an alert dismissed: the security control may change (docs/controls.md).
    app.on('code_scanning_alert', gated(gate, onCodeScanningAlert(appDeps)));
    // Deployment gating and evidence (docs/deployments.md).
    app.on('deployment_protection_rule.requested', gated(gate, onDeploymentProtectionRule(appDeps)));
    app.on('deployment.created', gated(gate, onDeploymentCreated(appDeps)));
    app.on('deployment_status.created', gated(gate, onDeploymentStatus(appDeps)));
    // Only new comments: an edited or deleted command comment runs nothing (docs/emergency-changes.md).
    app.on('issue_comment.created', gated(gate, onIssueComment(appDeps)));
    // What GitHub enforces, checked at install, on ruleset/protection changes and by a periodic sweep (docs/audit-and-evidence.md).
    app.on([...ENFORCEMENT_EVENTS], gated(gate, onEnforcementEvent(appDeps)));
    // Injected deps are a test's or the demo's: they call the sweeps themselves when they need them.
    if (!deps) {
      startOverdueSweep({ deps: appDeps, app });
      startEnforcementSweep({ deps: appDeps, app, intervalMs: readEnforcementInterval(process.env) });
      // Merges and pushes whose deliveries never arrived (docs/audit-and-evidence.md#reconciliation).
      startReconcileSweep({ deps: appDeps, app, ...readReconcileSettings(process.env) });
      // The fallback for a missed ServiceNow webhook (docs/tickets.md, "ServiceNow: re-evaluation").
      startServiceNowPoll({ deps: appDeps, app, settings: readServiceNowPollEnv(process.env), gate });
    }
    // The chain head, published outside the database (docs/audit.md, the witness); a bad setting stops the start.
    const witness = deps ? null : readWitnessEnv(process.env);
    if (witness)
      startWitnessPublisher({ store: appDeps.audit, settings: witness, now: appDeps.now, log: app.log.child({ name: 'witness' }) });
    options.addHandler(healthzHandler);
    // The compliance dashboard and its JSON API (docs/dashboard.md); off, with a page that says so, until configured.
    // POST /api/v1/simulate: the dry run with the installation's token, writing nothing (src/evaluation/dry-run.ts).
    const simulate: Simulate = ({ owner, repo, number, policy }) =>
      dryRunWithProbot({
        probot: app,
        auth: 'app',
        deps: appDeps,
        owner,
        repo,
        number,
        ...(policy === undefined ? {} : { candidate: { text: policy, name: 'policy' } }),
      });
    options.addHandler(dashboardHandler(dashboardDepsFromEnv({ app, env: process.env, store: appDeps.audit, now: appDeps.now, simulate })));
    // Jira's issue webhooks re-evaluate the PRs that reference the issue (docs/tickets.md).
    options.addHandler(jiraWebhookHandler({ app, deps: appDeps, secret: process.env.JIRA_WEBHOOK_SECRET }));
    // ServiceNow's business rule (or Flow Designer step) re-evaluates the PRs of a change whose state or approval moved.
    options.addHandler(serviceNowWebhookHandler({ app, deps: appDeps, secret: process.env.SERVICENOW_WEBHOOK_SECRET, gate }));
    // Operations (docs/operations.md): readiness, Prometheus metrics, webhook and GitHub request counts.
    options.addHandler(createReadyzHandler(readinessChecks({ app, audit: appDeps.audit })));
    options.addHandler(createMetricsHandler({ registry, token: readMetricsToken(process.env) }));
    observeApp(app);
    worker.start();
    hooks.onStart?.({ deps: appDeps, worker, gate, log: app.log });
  };
}

export default createApp();
