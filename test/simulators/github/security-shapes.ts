import type { components } from '@octokit/openapi-types';
import type { GitHubData, SimRepository } from './model.js';
import { simpleUser, type RestUrls } from './rest-shapes.js';
import type { SimAlert, SimAnalysis, SimDependencyChange } from './security-model.js';

type Schemas = components['schemas'];

const ANALYSIS_KEY = '.github/workflows/codeql.yml:analyze';

export function restAnalysis(urls: RestUrls, repo: SimRepository, analysis: SimAnalysis): Schemas['code-scanning-analysis'] {
  const results = repo.security.alerts.filter((a) => a.instances.get(analysis.ref)?.commitSha === analysis.commitSha).length;
  return {
    ref: analysis.ref,
    commit_sha: analysis.commitSha,
    analysis_key: ANALYSIS_KEY,
    environment: '{"language":"javascript-typescript"}',
    category: analysis.category,
    error: '',
    created_at: analysis.createdAt,
    results_count: results,
    rules_count: 120,
    id: analysis.id,
    url: `${urls.api}/repos/${repo.owner}/${repo.name}/code-scanning/analyses/${analysis.id}`,
    sarif_id: `sarif-${analysis.id}`,
    tool: { name: analysis.tool, version: '2.20.0', guid: null },
    deletable: true,
    warning: '',
  };
}

/** An alert as listed for one ref: its state there, its most recent instance there, and its dismissal if any. */
export function restAlert(
  data: GitHubData,
  urls: RestUrls,
  repo: SimRepository,
  alert: SimAlert,
  ref: string,
): Schemas['code-scanning-alert-items'] {
  const instance = alert.instances.get(ref);
  const api = `${urls.api}/repos/${repo.owner}/${repo.name}/code-scanning/alerts/${alert.number}`;
  const state = alert.dismissal ? 'dismissed' : (instance?.state ?? 'open');
  return {
    number: alert.number,
    created_at: alert.createdAt,
    updated_at: alert.dismissal?.at ?? alert.createdAt,
    url: api,
    html_url: `${urls.web}/${repo.owner}/${repo.name}/security/code-scanning/${alert.number}`,
    instances_url: `${api}/instances`,
    state,
    fixed_at: null,
    dismissed_by: alert.dismissal ? simpleUser(data, urls, alert.dismissal.by) : null,
    dismissed_at: alert.dismissal?.at ?? null,
    dismissed_reason: alert.dismissal?.reason ?? null,
    dismissed_comment: alert.dismissal?.comment ?? null,
    rule: {
      id: alert.ruleId,
      name: alert.ruleId,
      severity: alert.severity,
      security_severity_level: alert.securitySeverity,
      description: alert.ruleName,
      tags: ['security'],
    },
    tool: { name: alert.tool, version: '2.20.0', guid: null },
    most_recent_instance: {
      ref,
      analysis_key: ANALYSIS_KEY,
      environment: '{"language":"javascript-typescript"}',
      category: '/language:javascript-typescript',
      state: instance?.state ?? 'open',
      commit_sha: instance?.commitSha ?? '',
      message: { text: alert.ruleName },
      location: { path: alert.path, start_line: alert.line, end_line: alert.line, start_column: 1, end_column: 10 },
      classifications: [],
    },
  };
}

export function restDependencyChange(change: SimDependencyChange): Schemas['dependency-graph-diff'][number] {
  return {
    change_type: change.changeType,
    manifest: change.manifest,
    ecosystem: change.ecosystem,
    name: change.name,
    version: change.version,
    package_url: `pkg:${change.ecosystem}/${encodeURIComponent(change.name)}@${change.version}`,
    license: 'MIT',
    source_repository_url: null,
    vulnerabilities: change.vulnerabilities.map((v) => ({
      severity: v.severity,
      advisory_ghsa_id: v.ghsaId,
      advisory_summary: v.summary,
      advisory_url: `https://github.com/advisories/${v.ghsaId}`,
    })),
    scope: 'runtime',
  };
}
