import type { Context } from 'probot';
import type { WorkRequest } from '../../store/work-request.js';
import { acceptWork } from '../accept-work.js';
import type { AppDeps } from '../../evaluation/app-deps.js';
import { CodeScanningAlertPayload, parsePayload } from '../payloads.js';
import { installationOf } from './installation-of.js';

/** `refs/pull/12/merge` or `refs/pull/12/head`: the PR code scanning analysed. */
const PULL_REF = /^refs\/pull\/(\d+)\/(?:merge|head)$/;

/**
 * A code scanning alert changed (found, fixed, dismissed, reopened): queue the evaluation of the PR it concerns.
 * A PR's analysis names its merge ref; an analysis of a branch names the commit, whose open PRs the worker finds.
 * A person's dismissal or reopening carries no ref: the alert's most recent instance says where it was found.
 * Evaluations of PRs whose policy has no `security:` read nothing more from GitHub than any re-evaluation.
 */
export function onCodeScanningAlert(deps: AppDeps) {
  return async (context: Context<'code_scanning_alert'>): Promise<void> => {
    const p = parsePayload(CodeScanningAlertPayload, 'code_scanning_alert', context.payload);
    const instance = p.alert.most_recent_instance;
    const ref = p.ref || instance?.ref || '';
    const sha = p.commit_oid || instance?.commit_sha || '';
    const common = {
      installationId: installationOf(context.name, context.payload),
      owner: p.repository.owner.login,
      repo: p.repository.name,
      deliveryIds: [context.id],
      force: 'none' as const,
      statusWrites: [],
    };
    const pull = PULL_REF.exec(ref);
    let request: WorkRequest;
    if (pull?.[1]) request = { kind: 'pull', ...common, number: Number(pull[1]), headSha: null };
    else if (/^[0-9a-f]{40}$/.test(sha)) request = { kind: 'commit', ...common, sha, evaluate: true };
    else {
      context.log.info({ ref }, 'code scanning alert names no pull request or commit: nothing to evaluate');
      return;
    }
    await acceptWork({ deps, delivery: context, requests: [request] });
  };
}
