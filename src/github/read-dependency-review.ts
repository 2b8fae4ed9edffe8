import { z } from 'zod';
import type { AddedDependencyFact, DependencyFacts, Severity } from '../policy/security-facts.js';
import type { RestClient } from './rest-client.js';
import { isMissingPermission, refusalOf, SecurityUnavailableError } from './security-unavailable.js';

/** The fields of GitHub's dependency review we use (components["schemas"]["dependency-graph-diff"]). */
const Change = z.object({
  change_type: z.enum(['added', 'removed']),
  manifest: z.string(),
  ecosystem: z.string(),
  name: z.string(),
  version: z.string(),
  vulnerabilities: z.array(
    z.object({ severity: z.string(), advisory_ghsa_id: z.string(), advisory_summary: z.string(), advisory_url: z.string() }),
  ),
});

/**
 * GitHub says, base64-encoded in this header, when the dependency snapshots of either side are missing or do not
 * match: the diff may then miss additions (or list the whole graph), and GitHub's docs advise trying again later.
 */
const SNAPSHOT_WARNINGS = 'x-github-dependency-graph-snapshot-warnings';

function snapshotWarning(header: unknown): string | null {
  if (typeof header !== 'string' || header.trim() === '') return null;
  const text = Buffer.from(header.trim(), 'base64').toString('utf8').trim();
  return text === '' ? header.trim() : text;
}

/** GitHub Advisory Database severities; `moderate` is `medium` on our one scale. An unknown one is read as critical (fail closed). */
function severityOf(level: string): Severity {
  const known: Record<string, Severity> = { critical: 'critical', high: 'high', moderate: 'medium', medium: 'medium', low: 'low' };
  return known[level.toLowerCase()] ?? 'critical';
}

/**
 * The dependencies a PR adds, with their known vulnerabilities: GitHub's dependency review of `base...head`
 * (the head SHA pins the comparison to the commit decided). Paged by GitHub's `Link` header: one call for most PRs.
 */
export async function readDependencyReview(input: {
  octokit: RestClient;
  owner: string;
  repo: string;
  baseRef: string;
  headSha: string;
}): Promise<DependencyFacts> {
  const { octokit, owner, repo } = input;
  const basehead = `${input.baseRef}...${input.headSha}`;
  let changes: z.infer<typeof Change>[];
  const warnings = new Set<string>();
  try {
    const pages: unknown[] = [];
    // The iterator gives each page's headers (GitHub pages the comparison by `Link`).
    for await (const page of octokit.paginate.iterator('GET /repos/{owner}/{repo}/dependency-graph/compare/{basehead}', {
      owner,
      repo,
      basehead,
    })) {
      const warning = snapshotWarning(page.headers[SNAPSHOT_WARNINGS]);
      if (warning) warnings.add(warning);
      pages.push(...(page.data as unknown[]));
    }
    changes = z.array(Change).parse(pages);
  } catch (error) {
    const failure = refusalOf(error);
    if (failure === null) throw error;
    if (isMissingPermission(failure)) {
      throw new SecurityUnavailableError(
        `the app may not read the dependency review of ${owner}/${repo} (GitHub: ${failure.message})`,
        'Grant the app the "Contents: Read" permission and accept it on the installation.',
      );
    }
    throw new SecurityUnavailableError(
      `dependency review is not available for ${owner}/${repo} (GitHub answered ${failure.status}: ${failure.message || 'no message'})`,
      'Enable the dependency graph for the repository (Settings → Code security → Dependency graph; private repositories also need GitHub Code Security for dependency review), or remove security.dependencies from the policy.',
    );
  }
  const added: AddedDependencyFact[] = changes
    .filter((c) => c.change_type === 'added')
    .map((c) => ({
      ecosystem: c.ecosystem,
      name: c.name,
      version: c.version,
      manifest: c.manifest,
      vulnerabilities: c.vulnerabilities.map((v) => ({
        severity: severityOf(v.severity),
        ghsaId: v.advisory_ghsa_id,
        summary: v.advisory_summary,
        url: v.advisory_url,
      })),
    }));
  return { basehead, added, snapshotWarnings: warnings.size > 0 ? [...warnings].join(' ') : null };
}
