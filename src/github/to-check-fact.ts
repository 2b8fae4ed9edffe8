import type { CheckFact, CheckState } from '../policy/facts.js';
import type { CheckRunNode, StatusContextNode } from './pr-facts.schema.js';

/** A check run that has not started yet sorts as the newest result for its name (a re-run replaces the old result). */
const NOT_STARTED = '9999-12-31T23:59:59Z';

function checkRunState(node: CheckRunNode): CheckState {
  if (node.status !== 'COMPLETED') return 'pending';
  return node.conclusion === 'SUCCESS' ? 'success' : 'failure';
}

function statusState(node: StatusContextNode): CheckState {
  switch (node.state) {
    case 'SUCCESS':
      return 'success';
    case 'PENDING':
    case 'EXPECTED':
      return 'pending';
    default:
      return 'failure';
  }
}

/** GraphQL names an app's bot without REST's `[bot]` suffix; the suffix keeps a user from passing for an app of that name. */
function creatorLogin(creator: StatusContextNode['creator']): string | null {
  if (!creator) return null;
  return creator.__typename === 'Bot' ? `${creator.login}[bot]` : creator.login;
}

/** A check run or commit status as a policy fact. */
export function toCheckFact(node: CheckRunNode | StatusContextNode): CheckFact {
  if (node.__typename === 'CheckRun') {
    return {
      name: node.name,
      kind: 'check_run',
      raw: node.status === 'COMPLETED' ? `COMPLETED/${node.conclusion ?? 'NONE'}` : node.status,
      state: checkRunState(node),
      at: node.startedAt ?? node.completedAt ?? NOT_STARTED,
      url: node.detailsUrl ?? node.url,
      source: node.checkSuite.app?.slug ?? null,
    };
  }
  return {
    name: node.context,
    kind: 'status',
    raw: node.state,
    state: statusState(node),
    at: node.createdAt,
    url: node.targetUrl,
    source: creatorLogin(node.creator),
  };
}
