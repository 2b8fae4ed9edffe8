import { createHmac, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { WebhookDefinition } from '@octokit/webhooks-examples';
import type { SimComment, SimStatus } from '../../simulators/github/model.js';
import type { SimMergeGroup } from '../../simulators/github/state.js';
import { restLogin } from '../../simulators/github/rest-shapes.js';
import type { GitHubSimulator } from '../../simulators/index.js';

/**
 * Webhook payloads built from GitHub's real examples (`@octokit/webhooks-examples`), with the repository, PR,
 * commit and installation set to match the simulator. Typed by the examples' own types, so a renamed field fails tsc.
 */

// The package's main is a JSON file; createRequire reads it without import attributes.
const definitions = createRequire(import.meta.url)('@octokit/webhooks-examples') as WebhookDefinition[];

type Example<N extends WebhookDefinition['name']> = WebhookDefinition<N>['examples'][number];

function example<N extends WebhookDefinition['name']>(name: N, action: string | null): Example<N> {
  const definition = definitions.find((d) => d.name === name) as WebhookDefinition<N> | undefined;
  const examples = definition?.examples ?? [];
  const found = examples.find((e) => action === null || (e as { action?: string }).action === action) ?? examples[0];
  if (!found) throw new Error(`no ${name} example in @octokit/webhooks-examples`);
  return structuredClone(found);
}

export interface PullTarget {
  github: GitHubSimulator;
  owner: string;
  repo: string;
  number: number;
  installationId: number;
}

type RepositoryPayload = Example<'pull_request'>['repository'];

function setRepository(payload: { repository: RepositoryPayload }, target: PullTarget): void {
  const repo = target.github.data.repos.get(`${target.owner}/${target.repo}`.toLowerCase());
  if (!repo) throw new Error(`no repository ${target.owner}/${target.repo} in the simulator`);
  Object.assign(payload.repository, {
    id: repo.id,
    name: repo.name,
    full_name: `${repo.owner}/${repo.name}`,
    default_branch: repo.defaultBranch,
    private: repo.private,
  });
  payload.repository.owner.login = repo.owner;
}

const installation = (id: number) => ({ id, node_id: Buffer.from(`03:Installation${id}`).toString('base64') });

export type PullRequestAction = 'opened' | 'synchronize' | 'reopened' | 'edited' | 'ready_for_review';

/** A `pull_request` event; `sender` (default: the PR author) is who acted, e.g. who pushed for `synchronize`. */
export function pullRequestEvent(target: PullTarget, action: PullRequestAction = 'opened', sender?: string): Example<'pull_request'> {
  const pr = target.github.pullRequest(target);
  const payload = example('pull_request', action);
  Object.assign(payload, { action, number: pr.number, installation: installation(target.installationId) });
  setRepository(payload, target);
  Object.assign(payload.sender, { login: sender ?? pr.author.login, type: 'User' });
  // updated_at on the simulator's clock (GitHub's), as the comments' created_at: the app compares the two.
  Object.assign(payload.pull_request, {
    number: pr.number,
    title: pr.title,
    body: pr.body,
    state: 'open',
    draft: pr.draft,
    updated_at: new Date(target.github.data.clock).toISOString(),
  });
  payload.pull_request.user.login = pr.author.login;
  Object.assign(payload.pull_request.head, { sha: pr.headSha, ref: pr.headRef, label: `${target.owner}:${pr.headRef}` });
  Object.assign(payload.pull_request.base, { ref: pr.baseRef, label: `${target.owner}:${pr.baseRef}` });
  return payload;
}

/** `pull_request.closed` for a PR the simulator merged (`merged: true`, merge commit and merger set). */
export function pullRequestMergedEvent(target: PullTarget): Example<'pull_request'> {
  const pr = target.github.pullRequest(target);
  if (!pr.merge) throw new Error(`#${pr.number} is not merged in the simulator`);
  const payload = pullRequestEvent(target, 'opened');
  Object.assign(payload, { action: 'closed' });
  Object.assign(payload.pull_request, {
    state: 'closed',
    merged: true,
    merge_commit_sha: pr.merge.commitOid,
    merged_at: pr.merge.mergedAt,
    closed_at: pr.merge.mergedAt,
    merged_by: { ...payload.pull_request.user, login: pr.merge.mergedBy },
    html_url: `${target.github.url}/${target.owner}/${target.repo}/pull/${pr.number}`,
  });
  return payload;
}

export function pullRequestReviewEvent(target: PullTarget, reviewer: string): Example<'pull_request_review'> {
  const pr = target.github.pullRequest(target);
  const review = pr.reviews.filter((r) => r.author.login === reviewer).at(-1);
  const payload = example('pull_request_review', 'submitted');
  Object.assign(payload, { installation: installation(target.installationId) });
  setRepository(payload, target);
  Object.assign(payload.review, { state: review?.state.toLowerCase() ?? 'approved', commit_id: review?.commitOid ?? pr.headSha });
  payload.review.user.login = reviewer;
  Object.assign(payload.sender, { login: reviewer, type: 'User' });
  Object.assign(payload.pull_request, { number: pr.number, title: pr.title, body: pr.body });
  Object.assign(payload.pull_request.head, { sha: pr.headSha, ref: pr.headRef });
  return payload;
}

/** A `check_run` event (`completed` from CI, or `rerequested` when someone presses Re-run on a check run). */
export function checkRunEvent(
  target: PullTarget,
  action: 'completed' | 'rerequested',
  run: { id: number; name: string; appId: number; status: string; conclusion: string | null },
): Example<'check_run'> {
  const pr = target.github.pullRequest(target);
  const repo = target.github.data.repos.get(`${target.owner}/${target.repo}`.toLowerCase())!;
  const payload = example('check_run', action);
  Object.assign(payload, { action, installation: installation(target.installationId) });
  setRepository(payload, target);
  Object.assign(payload.check_run, { id: run.id, name: run.name, head_sha: pr.headSha, status: run.status, conclusion: run.conclusion });
  if (payload.check_run.app) payload.check_run.app.id = run.appId;
  const repoUrl = `${target.github.apiUrl}/repos/${target.owner}/${target.repo}`;
  const ref = (sha: string, branch: string) => ({ ref: branch, sha, repo: { id: repo.id, url: repoUrl, name: repo.name } });
  payload.check_run.pull_requests = [
    {
      url: `${repoUrl}/pulls/${pr.number}`,
      id: pr.id,
      number: pr.number,
      head: ref(pr.headSha, pr.headRef),
      base: ref(target.github.defaultBranchHead(target), pr.baseRef),
    },
  ];
  return payload;
}

/**
 * An `issue_comment` event for a comment the simulator holds (`github.addComment`), on a PR or an issue (`target.number`
 * is either). `action` other than `created` is GitHub telling of an edit or a deletion.
 */
export function issueCommentEvent(
  target: PullTarget,
  comment: SimComment,
  action: 'created' | 'edited' | 'deleted' = 'created',
): Example<'issue_comment'> {
  const repo = target.github.data.repos.get(`${target.owner}/${target.repo}`.toLowerCase());
  const pr = repo?.pulls.get(target.number);
  const issue = repo?.issues.find((i) => i.number === target.number);
  if (!repo || (!pr && !issue)) throw new Error(`no issue or pull request #${target.number} in ${target.owner}/${target.repo}`);
  const payload = example('issue_comment', action);
  Object.assign(payload, { action, installation: installation(target.installationId) });
  setRepository(payload as unknown as { repository: RepositoryPayload }, target);
  const kind = pr ? 'pull' : 'issues';
  const html = `${target.github.url}/${target.owner}/${target.repo}/${kind}/${target.number}`;
  Object.assign(payload.issue, {
    number: target.number,
    title: pr?.title ?? issue?.title,
    body: pr?.body ?? issue?.body,
    state: 'open',
    html_url: html,
  });
  payload.issue.user.login = restLogin(pr?.author ?? issue!.author);
  if (pr) {
    const api = `${target.github.apiUrl}/repos/${target.owner}/${target.repo}/pulls/${pr.number}`;
    payload.issue.pull_request = { url: api, html_url: html, diff_url: `${html}.diff`, patch_url: `${html}.patch`, merged_at: null };
  } else {
    delete payload.issue.pull_request;
  }
  Object.assign(payload.comment, {
    id: comment.id,
    body: comment.body,
    html_url: `${html}#issuecomment-${comment.id}`,
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
  });
  Object.assign(payload.comment.user, { login: restLogin(comment.author), type: comment.author.type });
  Object.assign(payload.sender, { login: restLogin(comment.author), type: comment.author.type });
  return payload;
}

/** A `status` event; its sender is whoever wrote the status (REST spells an app's bot `slug[bot]`, as webhooks do). */
/** `check_suite.completed` from a CI app, naming the PR whose head it ran on. */
export function checkSuiteCompletedEvent(target: PullTarget, appId: number): Example<'check_suite'> {
  const pr = target.github.pullRequest(target);
  const repo = target.github.data.repos.get(`${target.owner}/${target.repo}`.toLowerCase())!;
  const payload = example('check_suite', 'completed');
  Object.assign(payload, { installation: installation(target.installationId) });
  setRepository(payload, target);
  Object.assign(payload.check_suite, { head_sha: pr.headSha, head_branch: pr.headRef, status: 'completed', conclusion: 'success' });
  if (payload.check_suite.app) payload.check_suite.app.id = appId;
  const repoUrl = `${target.github.apiUrl}/repos/${target.owner}/${target.repo}`;
  const ref = (sha: string, branch: string) => ({ ref: branch, sha, repo: { id: repo.id, url: repoUrl, name: repo.name } });
  payload.check_suite.pull_requests = [
    {
      url: `${repoUrl}/pulls/${pr.number}`,
      id: pr.id,
      number: pr.number,
      head: ref(pr.headSha, pr.headRef),
      base: ref(target.github.defaultBranchHead(target), pr.baseRef),
    },
  ];
  return payload;
}

export function statusEvent(target: PullTarget, status: SimStatus): Example<'status'> {
  const payload = example('status', null);
  Object.assign(payload, {
    installation: installation(target.installationId),
    id: status.id,
    sha: status.sha,
    context: status.context,
    state: status.state,
    description: status.description,
    target_url: status.targetUrl,
  });
  setRepository(payload, target);
  Object.assign(payload.sender, { login: restLogin(status.creator), type: status.creator.type });
  return payload;
}

/**
 * A `merge_group` event for a group the simulator built (`github.createMergeGroup`): `checks_requested`, or
 * `destroyed` with its reason (the examples have only `checks_requested`; GitHub's `destroyed` adds `reason`).
 */
export function mergeGroupEvent(
  target: Omit<PullTarget, 'number'>,
  group: SimMergeGroup,
  action: 'checks_requested' | 'destroyed' = 'checks_requested',
  reason: 'merged' | 'invalidated' | 'dequeued' = 'merged',
): Example<'merge_group'> {
  const payload = example('merge_group', 'checks_requested');
  Object.assign(payload, { action, installation: installation(target.installationId), ...(action === 'destroyed' ? { reason } : {}) });
  setRepository(payload, { ...target, number: 0 });
  Object.assign(payload.merge_group, {
    head_sha: group.headSha,
    head_ref: group.headRef,
    base_sha: group.baseSha,
    base_ref: group.baseRef,
  });
  payload.merge_group.head_commit.id = group.headSha;
  return payload;
}

export interface Delivery {
  status: number;
  body: string;
}

/** Signs a payload as GitHub does: HMAC-SHA256 of the exact body with the webhook secret. */
/**
 * A `code_scanning_alert` event for an alert of the simulator. `created`/`fixed`: code scanning analysed the PR's
 * merge ref; `closed_by_user`: a person dismissed it (GitHub then sends no ref or commit: the alert's most recent
 * instance names the PR's merge ref).
 */
export function codeScanningAlertEvent(
  target: PullTarget,
  input: { action: 'created' | 'fixed' | 'closed_by_user'; alertNumber: number; sender?: string },
): Example<'code_scanning_alert'> {
  const payload = example('code_scanning_alert', input.action);
  const repo = target.github.data.repos.get(`${target.owner}/${target.repo}`.toLowerCase());
  const alert = repo?.security.alerts.find((a) => a.number === input.alertNumber);
  if (!repo || !alert) throw new Error(`no code scanning alert ${input.alertNumber} in the simulator`);
  const ref = `refs/pull/${target.number}/merge`;
  const commitSha = alert.instances.get(ref)?.commitSha ?? '';
  const byPerson = input.action === 'closed_by_user';
  Object.assign(payload, {
    installation: installation(target.installationId),
    ref: byPerson ? '' : ref,
    commit_oid: byPerson ? '' : commitSha,
  });
  setRepository(payload as unknown as { repository: RepositoryPayload }, target);
  Object.assign(payload.alert, { number: alert.number });
  // GitHub's schema gives a person's dismissal the alert's most recent instance (optional; the example lacks it).
  Object.assign(payload.alert, {
    most_recent_instance: { ...payload.alert.most_recent_instance, ref, commit_sha: commitSha, state: byPerson ? 'dismissed' : 'open' },
  });
  if (payload.sender) Object.assign(payload.sender, { login: input.sender ?? 'github', type: byPerson ? 'User' : 'Bot' });
  return payload;
}

export function sign(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** POSTs a webhook to the app; `signature` and `rawBody` let a test send a forged or broken delivery. */
export async function deliver(input: {
  appUrl: string;
  secret: string;
  event: string;
  payload?: unknown;
  rawBody?: string;
  signature?: string;
  /** X-GitHub-Delivery; a new one unless a test redelivers. */
  deliveryId?: string;
}): Promise<Delivery> {
  const body = input.rawBody ?? JSON.stringify(input.payload);
  const deliveryId = input.deliveryId ?? randomUUID();
  const post = () =>
    fetch(`${input.appUrl}/api/github/webhooks`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'GitHub-Hookshot/e2e',
        'x-github-event': input.event,
        'x-github-delivery': deliveryId,
        'x-hub-signature-256': input.signature ?? sign(input.secret, body),
      },
      body,
      signal: AbortSignal.timeout(20_000),
    });
  let response: Response;
  try {
    response = await post();
  } catch (error) {
    // fetch reuses an idle keep-alive connection; when the server closes it at its keep-alive timeout just as the
    // request goes out, the request never reached the app (ECONNRESET before any answer). Sent again once, with the
    // same delivery id, as GitHub would redeliver; a server that is down fails the second time too.
    if ((error as { cause?: { code?: string } }).cause?.code !== 'ECONNRESET') throw error;
    response = await post();
  }
  return { status: response.status, body: await response.text() };
}
