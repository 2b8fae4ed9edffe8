import { z } from 'zod';
import type { AnalysisFact, CodeScanningAlertFact, CodeScanningFacts, Severity } from '../policy/security-facts.js';
import type { RestClient } from './rest-client.js';
import { httpFailure, isMissingPermission, refusalOf, SecurityUnavailableError } from './security-unavailable.js';

/** The fields of GitHub's code scanning analysis we use (components["schemas"]["code-scanning-analysis"]). */
const Analysis = z.object({
  id: z.number(),
  commit_sha: z.string(),
  created_at: z.string(),
  category: z.string().nullish(),
  tool: z.object({ name: z.string().nullish() }),
});

/** The fields of a code scanning alert we use (components["schemas"]["code-scanning-alert-items"]). */
const Alert = z.object({
  number: z.number(),
  html_url: z.string(),
  state: z.enum(['open', 'dismissed', 'fixed']).nullable(),
  dismissed_by: z.object({ login: z.string() }).nullable(),
  dismissed_at: z.string().nullable(),
  dismissed_reason: z.string().nullable(),
  dismissed_comment: z.string().nullish(),
  rule: z.object({
    id: z.string().nullish(),
    name: z.string().nullish(),
    description: z.string().nullish(),
    severity: z.enum(['none', 'note', 'warning', 'error']).nullish(),
    security_severity_level: z.enum(['low', 'medium', 'high', 'critical']).nullish(),
  }),
  tool: z.object({ name: z.string().nullish() }),
  most_recent_instance: z
    .object({
      state: z.enum(['open', 'dismissed', 'fixed']).nullish(),
      location: z.object({ path: z.string().nullish(), start_line: z.number().nullish() }).nullish(),
    })
    .nullish(),
});
type Alert = z.infer<typeof Alert>;

const Parents = z.object({ parents: z.array(z.object({ sha: z.string() })) });

/**
 * The severity of an alert: `security_severity_level` when the rule has one (security queries), else the rule's
 * `severity` mapped onto the same scale (our mapping, docs/controls.md): error → high, warning → medium,
 * note and none → low. A rule with neither is read as critical: an unknown severity must not slip under a threshold.
 */
export function alertSeverity(rule: Alert['rule']): { severity: Severity; from: CodeScanningAlertFact['severityFrom'] } {
  if (rule.security_severity_level) return { severity: rule.security_severity_level, from: 'security_severity_level' };
  const mapped: Record<string, Severity> = { error: 'high', warning: 'medium', note: 'low', none: 'low' };
  return { severity: (rule.severity && mapped[rule.severity]) ?? 'critical', from: 'severity' };
}

/** Where code scanning's 403/404 answers point: the feature is off, or the app may not read it. */
function unavailable(error: unknown, repoName: string): never {
  const failure = refusalOf(error);
  if (failure === null) throw error;
  if (isMissingPermission(failure)) {
    throw new SecurityUnavailableError(
      `the app may not read code scanning alerts of ${repoName} (GitHub: ${failure.message})`,
      'Grant the app the "Code scanning alerts: Read" permission (security_events) and accept it on the installation.',
    );
  }
  throw new SecurityUnavailableError(
    `code scanning is not enabled for ${repoName} (GitHub answered ${failure.status}: ${failure.message || 'no message'})`,
    'Enable code scanning for the repository (Settings → Code security: CodeQL default setup or a workflow; private repositories need GitHub Code Security), or remove security.code_scanning from the policy.',
  );
}

/** GitHub answers 404 "no analysis found" when code scanning is on but nothing was analysed on the ref. */
const isNoAnalysis = (error: unknown): boolean => {
  const failure = httpFailure(error);
  return failure !== null && failure.status === 404 && /no analysis found/i.test(failure.message);
};

function toFact(alert: Alert, dismissed: boolean): CodeScanningAlertFact {
  const { severity, from } = alertSeverity(alert.rule);
  const location = alert.most_recent_instance?.location;
  return {
    number: alert.number,
    ruleId: alert.rule.id ?? alert.rule.name ?? 'unknown rule',
    ruleName: alert.rule.description ?? alert.rule.name ?? alert.rule.id ?? 'unknown rule',
    severity,
    severityFrom: from,
    tool: alert.tool.name ?? 'unknown tool',
    state: dismissed ? 'dismissed' : 'open',
    path: location?.path ?? null,
    line: location?.start_line ?? null,
    url: alert.html_url,
    dismissal: dismissed
      ? {
          by: alert.dismissed_by?.login ?? null,
          reason: alert.dismissed_reason,
          comment: alert.dismissed_comment ?? null,
          at: alert.dismissed_at,
        }
      : null,
  };
}

/** Whether the alert is on the ref listed: open there, or dismissed (a dismissal holds on every ref). */
function presence(alert: Alert): 'open' | 'dismissed' | null {
  if (alert.state === 'dismissed') return 'dismissed';
  return (alert.most_recent_instance?.state ?? alert.state) === 'open' ? 'open' : null;
}

/**
 * Code scanning of a PR: the newest analysis of `refs/pull/N/merge` by each tool and category must be of the
 * head (its test merge commit, whose parents GitHub gives, or the head itself), else the control waits. Then the
 * alerts of the merge ref less those the base branch already has (by alert number, which GitHub keeps across
 * refs). Calls: the analyses (one page), each analysed commit that is not the head (one for most PRs: the test
 * merge commit), and the alerts of both refs (100 a page).
 */
export async function readCodeScanning(input: {
  octokit: RestClient;
  owner: string;
  repo: string;
  number: number;
  headSha: string;
  baseRef: string;
}): Promise<CodeScanningFacts> {
  const { octokit, owner, repo, number, headSha } = input;
  const repoName = `${owner}/${repo}`;
  const ref = `refs/pull/${number}/merge`;
  let analyses: z.infer<typeof Analysis>[];
  try {
    const answer = await octokit.request('GET /repos/{owner}/{repo}/code-scanning/analyses', {
      owner,
      repo,
      ref,
      per_page: 100,
      sort: 'created',
      direction: 'desc',
    });
    analyses = z.array(Analysis).parse(answer.data);
  } catch (error) {
    if (isNoAnalysis(error)) return { analysed: false, detail: `no code scanning analysis of ${ref} yet` };
    unavailable(error, repoName);
  }
  // The newest analysis of each tool and category (CodeQL analyses each language apart): every one must be of the
  // head, or the alerts of the merge ref still hold some of an earlier head's results.
  const newestFirst = [...analyses].sort((a, b) => b.created_at.localeCompare(a.created_at));
  const latest = new Map<string, z.infer<typeof Analysis>>();
  for (const analysis of newestFirst) {
    const key = `${analysis.tool.name ?? ''}\u0000${analysis.category ?? ''}`;
    if (!latest.has(key)) latest.set(key, analysis);
  }
  if (latest.size === 0) return { analysed: false, detail: `no code scanning analysis of ${ref} yet` };
  const ofHeadCache = new Map<string, Promise<boolean>>();
  const isOfHead = (sha: string): Promise<boolean> => {
    if (sha === headSha) return Promise.resolve(true);
    let known = ofHeadCache.get(sha);
    if (!known) {
      known = octokit
        .request('GET /repos/{owner}/{repo}/commits/{ref}', { owner, repo, ref: sha })
        .then((commit) => Parents.parse(commit.data).parents.some((p) => p.sha === headSha));
      ofHeadCache.set(sha, known);
    }
    return known;
  };
  const current: z.infer<typeof Analysis>[] = [];
  for (const analysis of latest.values()) {
    if (!(await isOfHead(analysis.commit_sha))) {
      const what = [analysis.tool.name ?? 'unknown tool', analysis.category].filter(Boolean).join(' ');
      return {
        analysed: false,
        detail: `the newest analysis by ${what} (${analysis.id}) is of ${analysis.commit_sha.slice(0, 7)}, not of the head ${headSha.slice(0, 7)}`,
      };
    }
    current.push(analysis);
  }
  const commitSha = current[0]?.commit_sha ?? headSha;
  const list = async (alertsRef: string): Promise<Alert[]> =>
    z
      .array(Alert)
      .parse(await octokit.paginate('GET /repos/{owner}/{repo}/code-scanning/alerts', { owner, repo, ref: alertsRef, per_page: 100 }));
  const [onPull, onBase] = await Promise.all([
    list(ref).catch((error: unknown) => unavailable(error, repoName)),
    // A base branch never analysed has no alerts to excuse: every alert of the PR then counts as new.
    list(`refs/heads/${input.baseRef}`).catch((error: unknown) => (isNoAnalysis(error) ? [] : unavailable(error, repoName))),
  ]);
  const baseNumbers = new Set(onBase.filter((a) => presence(a) !== null).map((a) => a.number));
  const introduced: CodeScanningAlertFact[] = [];
  let preExisting = 0;
  for (const alert of onPull) {
    const state = presence(alert);
    if (state === null) continue;
    if (baseNumbers.has(alert.number)) preExisting += 1;
    else introduced.push(toFact(alert, state === 'dismissed'));
  }
  const ofHead: AnalysisFact[] = current.map((a) => ({
    id: a.id,
    tool: a.tool.name ?? 'unknown tool',
    category: a.category ?? null,
    createdAt: a.created_at,
  }));
  return { analysed: true, commitSha, analyses: ofHead, introduced, preExisting };
}
