import type { Context, Probot } from 'probot';
import { parse } from 'yaml';

/**
 * The naive strategy the benchmark compares against: evaluates inline in the webhook handler (Probot answers
 * only when it is done), reads each fact with its own REST call, and writes the status and a new check run
 * on every event, changed or not. Policy: a ticket key of a listed project in the title whose Jira status is
 * allowed, one approval on the head by someone other than the author, the required checks green.
 */
interface NaivePolicy {
  projects: string[];
  statuses: string[];
  approvals: number;
  checks: string[];
}

type PrRef = { owner: string; repo: string; pull_number: number };

async function readPolicy(context: Context, ref: Omit<PrRef, 'pull_number'>): Promise<NaivePolicy | null> {
  const file = await context.octokit
    .request('GET /repos/{owner}/{repo}/contents/{path}', { ...ref, path: '.github/change-control.yml' })
    .catch(() => null);
  const content =
    file && !Array.isArray(file.data) && 'content' in file.data ? Buffer.from(String(file.data.content), 'base64').toString('utf8') : null;
  if (content === null) return null;
  const doc = (parse(content) ?? {}) as {
    ticket?: { projects?: string[]; statuses?: string[] };
    approval?: { count?: number };
    checks?: { required?: string[] };
  };
  return {
    projects: doc.ticket?.projects ?? [],
    statuses: doc.ticket?.statuses ?? ['Approved'],
    approvals: doc.approval?.count ?? 1,
    checks: doc.checks?.required ?? [],
  };
}

async function ticketApproved(title: string, policy: NaivePolicy): Promise<boolean> {
  const key = new RegExp(`\\b(?:${policy.projects.join('|')})-\\d+\\b`).exec(title)?.[0];
  if (!key || !process.env.JIRA_BASE_URL) return false;
  const auth = Buffer.from(`${process.env.JIRA_EMAIL}:${process.env.JIRA_API_TOKEN}`).toString('base64');
  const res = await fetch(`${process.env.JIRA_BASE_URL}/rest/api/3/issue/${key}?fields=status`, {
    headers: { authorization: `Basic ${auth}` },
  });
  if (!res.ok) return false;
  const issue = (await res.json()) as { fields?: { status?: { name?: string } } };
  return policy.statuses.some((s) => s.toLowerCase() === issue.fields?.status?.name?.toLowerCase());
}

async function evaluateInline(context: Context, ref: PrRef): Promise<void> {
  const { octokit } = context;
  const pr = (await octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', ref)).data;
  const sha = pr.head.sha;
  const [, reviews, checkRuns, , policy] = await Promise.all([
    octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}/commits', ref),
    octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews', ref),
    octokit.request('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', { owner: ref.owner, repo: ref.repo, ref: sha }),
    octokit.request('GET /repos/{owner}/{repo}/commits/{ref}/status', { owner: ref.owner, repo: ref.repo, ref: sha }),
    readPolicy(context, { owner: ref.owner, repo: ref.repo }),
  ]);
  if (policy === null) return;
  const approvals = reviews.data.filter((r) => r.state === 'APPROVED' && r.commit_id === sha && r.user?.login !== pr.user?.login).length;
  const green = policy.checks.every((name) => checkRuns.data.check_runs.some((run) => run.name === name && run.conclusion === 'success'));
  const ticket = await ticketApproved(pr.title, policy);
  const state = ticket && green && approvals >= policy.approvals ? 'success' : 'failure';
  const description = state === 'success' ? 'Ready to merge' : 'Blocked';
  await octokit.request('POST /repos/{owner}/{repo}/statuses/{sha}', {
    owner: ref.owner,
    repo: ref.repo,
    sha,
    state,
    context: 'change-control',
    description,
  });
  await octokit.request('POST /repos/{owner}/{repo}/check-runs', {
    owner: ref.owner,
    repo: ref.repo,
    name: 'Change control',
    head_sha: sha,
    status: 'completed',
    conclusion: state,
    output: { title: description, summary: description },
  });
}

export function naiveApp(app: Probot): void {
  app.on(['pull_request.opened', 'pull_request.synchronize', 'pull_request.reopened', 'pull_request_review.submitted'], async (context) => {
    await evaluateInline(context, context.pullRequest());
  });
  app.on('check_run.completed', async (context) => {
    for (const pr of context.payload.check_run.pull_requests) await evaluateInline(context, context.repo({ pull_number: pr.number }));
  });
}
