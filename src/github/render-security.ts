import type { SecurityFinding, SecurityResult, SeverityCounts } from '../policy/security-result.js';
import { escapeMarkdown as md } from './escape-markdown.js';

const short = (sha: string | null): string => (sha ? sha.slice(0, 7) : 'unknown');

function counts(c: SeverityCounts): string {
  return `critical ${c.critical}, high ${c.high}, medium ${c.medium}, low ${c.low}`;
}

/** A link only to an http(s) URL GitHub gave; anything else is shown as inert text. */
function link(text: string, url: string): string {
  return /^https?:\/\//.test(url) ? `[${md(text)}](${encodeURI(decodeURI(url))})` : md(text);
}

function findingRow(f: SecurityFinding): string {
  const what = f.source === 'code_scanning' ? `${md(f.what)}: ${md(f.title)}` : `${md(f.what)}`;
  const where = f.where === null ? 'no location' : md(f.where);
  const advisory =
    f.source === 'code_scanning'
      ? `${link(`alert ${f.id}`, f.url)} (${md(f.tool ?? 'unknown tool')})`
      : `${link(f.id, f.url)}: ${md(f.title)}`;
  const note = f.note ? ` ⚠️ ${md(f.note)}` : '';
  return `| ${f.severity} | ${what} | ${where} | ${advisory}${note} |`;
}

/** The security control's evidence in the check run: each blocking finding, then what was read and what was resolved. */
export function securityEvidence(result: SecurityResult): string[] {
  const { evidence: e } = result;
  const lines: string[] = [];
  if (e.blocking.length > 0) {
    lines.push(
      '| Severity | Rule or package | Where | Alert or advisory |',
      '| --- | --- | --- | --- |',
      ...e.blocking.map(findingRow),
      '',
    );
  }
  const cs = e.codeScanning;
  if (cs) {
    if (!cs.analysed) lines.push(`- ⏳ Code scanning (blocks at ${cs.blockAt}): ${md(cs.waiting ?? 'no analysis of the head yet')}`);
    else {
      lines.push(
        `- Code scanning (blocks at ${cs.blockAt}) of \`${short(cs.commitSha)}\` by ${cs.tools.map(md).join(', ') || 'no tool'} (analyses ${cs.analysisIds.join(', ')}): new alerts ${counts(cs.counts)}; ${cs.preExisting} already on the base branch (not blocking)`,
      );
      for (const d of cs.dismissed)
        lines.push(`- ${d.counted ? '✅' : '❌'} Alert ${link(`#${d.number}`, d.url)} (${md(d.ruleId)}, ${d.severity}) ${md(d.detail)}`);
    }
  }
  const deps = e.dependencies;
  if (deps) {
    lines.push(
      `- Dependency review (blocks at ${deps.blockAt}) of \`${md(deps.basehead)}\`: ${deps.added} dependenc${deps.added === 1 ? 'y' : 'ies'} added; vulnerabilities ${counts(deps.counts)}`,
    );
    if (deps.waiting) lines.push(`- ⏳ GitHub warns the comparison may be incomplete: ${md(deps.waiting)}`);
  }
  return lines;
}
