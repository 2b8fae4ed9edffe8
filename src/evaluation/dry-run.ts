import { createHash } from 'node:crypto';
import type { Probot } from 'probot';
import type { ConfigFile } from '../config/config-file.js';
import { formatConfigError, parseConfig } from '../config/parse-config.js';
import { clientForRepository, NoInstallationError } from '../github/client-for-repository.js';
import { dryRunReport, type DryRunOutcome } from '../github/dry-run-report.js';
import { notFoundFields } from '../github/graphql-client.js';
import { CONFIG_PATH } from '../github/queries.js';
import { refuseWrites } from '../github/refuse-writes.js';
import type { RestClient } from '../github/rest-client.js';
import { assessPullRequest } from './assess-pull-request.js';
import { readOnlyDeps, type DryRunDeps } from './read-only-deps.js';

/** A policy to try instead of the repository's own: its YAML, and what to call it in errors (a file name). */
export interface CandidatePolicy {
  text: string;
  name: string;
}

/** Which pull request, under which policy, with the app's reads. */
export interface DryRunInput {
  deps: DryRunDeps;
  owner: string;
  repo: string;
  number: number;
  /** Absent: the live policy from the default branch. */
  candidate?: CandidatePolicy;
}

/** The blob SHA git gives the text: the candidate is named in the report as it would be once committed. */
function gitBlobSha(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

type Refused = Extract<DryRunOutcome, { kind: 'refused' }>;

/** GitHub answered that the repository or the pull request does not exist (or cannot be seen): say which. */
function notFound(error: unknown, input: { owner: string; repo: string; number: number }): Refused | null {
  const fields = notFoundFields(error);
  const { owner, repo, number } = input;
  const message = fields?.includes('repository')
    ? `repository ${owner}/${repo} not found (or not visible with these credentials)`
    : fields?.includes('repository.pullRequest')
      ? `pull request #${number} not found in ${owner}/${repo}`
      : null;
  return message === null ? null : { kind: 'refused', problem: 'not-found', message, errors: [] };
}

/** Read -> gather -> decide with writes refused, and the report; the not-found and invalid-candidate answers. */
async function run(input: {
  octokit: RestClient;
  deps: DryRunDeps;
  owner: string;
  repo: string;
  number: number;
  candidate: Candidate | null;
}): Promise<DryRunOutcome> {
  const { owner, repo, number, candidate } = input;
  const octokit = refuseWrites(input.octokit);
  const deps = readOnlyDeps(input.deps);
  let assessment: Awaited<ReturnType<typeof assessPullRequest>>;
  try {
    assessment = await assessPullRequest({ octokit, deps, owner, repo, number, ...(candidate ? { candidate: candidate.file } : {}) });
  } catch (error) {
    const missing = notFound(error, input);
    if (missing) return missing;
    throw error;
  }
  if (assessment.kind === 'skipped') {
    if (assessment.missing) return { kind: 'refused', problem: 'not-found', message: assessment.reason, errors: [] };
    return { kind: 'not-evaluated', answer: { evaluated: false, reason: assessment.reason } };
  }
  const { verdict } = assessment;
  // The candidate parsed, but the organisation floor leaves it unusable: the candidate's problem, not the PR's.
  if (candidate && verdict.state === 'error' && assessment.config === null && verdict.policy?.blobSha === candidate.file.blobSha) {
    return { kind: 'refused', problem: 'invalid-policy', message: 'the candidate policy is invalid', errors: verdict.errors };
  }
  return { kind: 'report', report: dryRunReport(verdict, { candidate: candidate !== null }) };
}

type Candidate = { file: ConfigFile; name: string };

/**
 * The candidate as the file it would be on the default branch (null without one), or why it cannot be used. Checked
 * alone first, before any GitHub call, so that its errors name it and their lines; the floor applies later, in read.
 */
function checkCandidate(input: { owner: string; repo: string; candidate?: CandidatePolicy }): Candidate | null | Refused {
  const { owner, repo, candidate } = input;
  if (!candidate) return null;
  const file = { repo: `${owner}/${repo}`, path: CONFIG_PATH, blobSha: gitBlobSha(candidate.text), text: candidate.text };
  const parsed = parseConfig(candidate.text, file, { floorAllowed: repo.toLowerCase() === '.github' });
  if (parsed.ok) return { file, name: candidate.name };
  const errors = parsed.errors.map((e) => `${candidate.name}: ${formatConfigError(e)}`);
  return { kind: 'refused', problem: 'invalid-policy', message: 'the candidate policy is invalid', errors };
}

/**
 * The dry run of one pull request: read -> gather -> decide exactly as the worker does (assess-pull-request.ts),
 * under the live policy or a candidate in place of the repository's own file (the organisation floor still
 * applies), and the report publish would post. Writes nothing: GitHub writes are refused by the client
 * (refuse-writes.ts), the store, queue and ticket write-back by the dependencies (read-only-deps.ts); publish and
 * record are never reached (the-dry-run-never-publishes in .dependency-cruiser.cjs). GitHub is read with the app's
 * installation on the repository (`auth: 'app'`) or the Probot's personal token (`auth: 'token'`). Used by
 * `change-control evaluate` and `POST /api/v1/simulate`; throws only when GitHub cannot be read.
 */
export async function dryRunWithProbot(input: DryRunInput & { probot: Probot; auth: 'app' | 'token' }): Promise<DryRunOutcome> {
  const { probot, auth, owner, repo } = input;
  // Before any GitHub call: a candidate that cannot be used costs nothing.
  const candidate = checkCandidate(input);
  if (candidate !== null && 'kind' in candidate) return candidate;
  let octokit: RestClient;
  try {
    octokit = await clientForRepository({ probot, owner, repo, auth });
  } catch (error) {
    if (!(error instanceof NoInstallationError)) throw error;
    return { kind: 'refused', problem: 'no-installation', message: error.message, errors: [] };
  }
  return run({ ...input, octokit, candidate });
}
