import type { ConfigFile } from '../github/read-pull-request-facts.js';
import type { PolicySource } from '../policy/verdict.js';
import { formatConfigError, parseConfig } from './parse-config.js';
import type { ChangeControlConfig } from './schema.js';

export type ResolvedPolicy =
  | { kind: 'none' }
  | { kind: 'invalid'; source: PolicySource; errors: string[] }
  | { kind: 'ok'; source: PolicySource; config: ChangeControlConfig };

/**
 * The policy that applies: the repository's own file on its default branch, else the organisation's
 * (`.github` repository). Both were read from default branches, never from the PR head.
 */
export function resolvePolicy(files: { repoConfig: ConfigFile | null; orgConfig: ConfigFile | null }): ResolvedPolicy {
  const file = files.repoConfig ?? files.orgConfig;
  if (!file) return { kind: 'none' };
  const source: PolicySource = { repo: file.repo, path: file.path, blobSha: file.blobSha };
  if (file.text === null) {
    return { kind: 'invalid', source, errors: [`${file.repo}:${file.path} is binary or too large to read`] };
  }
  const parsed = parseConfig(file.text, { repo: file.repo, path: file.path, blobSha: file.blobSha });
  if (!parsed.ok) {
    return { kind: 'invalid', source, errors: parsed.errors.map((e) => `${file.repo}:${file.path}: ${formatConfigError(e)}`) };
  }
  return { kind: 'ok', source, config: parsed.config };
}
