/**
 * `npm run demo`: a full PR evaluation with no GitHub account. Starts the real app process (as
 * `npm start` does) against the built-in GitHub and Jira simulators, plays one pull request through
 * opened → ticket and review approved → checks green, and prints the verdict and the check run report
 * after each step, then the GitHub calls the app made; then a Dependabot lockfile update passing as a standard
 * change (docs/tickets.md#standard-changes). `npm run demo -- --serve`: the dashboard over a seeded history.
 */
import { ACTIONS_APP } from '../test/simulators/index.js';
import { unescapeMarkdown } from '../test/e2e/harness/unescape-markdown.js';
import { STANDARD_POLICY, startE2E, type E2E, type Verdict } from '../test/e2e/harness/start-e2e.js';
import { checkRunEvent, pullRequestReviewEvent, type PullTarget } from '../test/e2e/harness/webhooks.js';
import { dependencyUpdatesClass, openDependabotPr, openedByDependabot } from '../test/e2e/harness/dependabot.js';

const rule = '─'.repeat(78);

function show(step: string, verdict: Verdict): void {
  const run = verdict.checkRun;
  console.log(`\n${rule}\n${step}\n${rule}`);
  console.log(`commit status  change-control: ${verdict.status.state.toUpperCase()} — ${verdict.status.description ?? ''}`);
  if (!run) return;
  console.log(`check run      ${run.name}: ${run.status}${run.conclusion ? ` / ${run.conclusion}` : ''}`);
  console.log(`\n# ${run.output.title ?? ''}\n`);
  console.log(unescapeMarkdown(run.output.summary));
  console.log(`\n${unescapeMarkdown(run.output.text)}`);
}

async function play(e2e: E2E): Promise<void> {
  const { github, jira } = e2e;
  const repo = e2e.newRepo();
  console.log(`Policy on the default branch of ${repo.owner}/${repo.repo} (.github/change-control.yml):\n\n${STANDARD_POLICY}`);

  // 1. Alice opens a PR naming CHG-1, which the change manager has not approved yet.
  jira.addIssue({ key: 'CHG-1', status: 'Awaiting approval', summary: 'Rotate TLS certificates before expiry' });
  const pr: PullTarget = e2e.openPullRequest(repo, { ticket: 'CHG-1', author: 'alice' });
  const mark = github.mark();
  show('1. alice opens "CHG-1: rotate the TLS certificates"', await e2e.evaluate(pr));

  // 2. The change manager approves CHG-1 in Jira, and bob (independent of the change) approves the PR.
  jira.setStatus('CHG-1', 'Approved');
  github.addReview({ ...pr, reviewer: 'bob' });
  show(
    '2. CHG-1 is approved in Jira; bob approves the pull request',
    await e2e.evaluate(pr, { event: 'pull_request_review', payload: pullRequestReviewEvent(pr, 'bob') }),
  );

  // 3. CI reports the required `build` check green on the head commit.
  const { headSha } = github.pullRequest(pr);
  const build = github.addCheckRun({ ...pr, sha: headSha, name: 'build', conclusion: 'success' });
  const payload = checkRunEvent(pr, 'completed', {
    id: build.id,
    name: 'build',
    appId: ACTIONS_APP.id,
    status: 'completed',
    conclusion: 'success',
  });
  show('3. CI: build passes on the head commit', await e2e.evaluate(pr, { event: 'check_run', payload }));

  await e2e.quiet();
  const calls = github.callCounts(mark);
  console.log(`\n${rule}\nGitHub calls the app made for these 3 evaluations: ${JSON.stringify(calls)}`);
  console.log(`Jira calls: ${jira.requests().length}`);

  await playStandardChange(e2e);
}

/**
 * 4. A standard change: Dependabot bumps a lockfile in a repository whose policy has the `dependency-updates`
 * class. No ticket of its own and no review: the class's standing ticket CHG-1000, approved once, covers it.
 */
async function playStandardChange(e2e: E2E): Promise<void> {
  const { github, jira } = e2e;
  const policy = `${STANDARD_POLICY}${dependencyUpdatesClass('CHG-1000')}`;
  const repo = e2e.newRepo({ policy });
  console.log(`\n${rule}\nPolicy on the default branch of ${repo.owner}/${repo.repo}, with a standard change class:\n\n${policy}`);
  jira.addIssue({ key: 'CHG-1000', status: 'Approved', summary: 'Standard change: dependency updates (Dependabot, Renovate)' });
  const pr = openDependabotPr(e2e, repo);
  const mark = github.mark();
  const jiraBefore = jira.requests().length;
  show(
    '4. dependabot[bot] opens "Bump lodash from 4.17.20 to 4.17.21" (package-lock.json only): a standard change',
    await e2e.evaluate(pr, { payload: openedByDependabot(pr) }),
  );
  await e2e.quiet();
  console.log(`\n${rule}\nGitHub calls for this evaluation: ${JSON.stringify(github.callCounts(mark))}`);
  console.log(`Jira calls for this evaluation: ${jira.requests().length - jiraBefore} (the standing ticket and its changelog)`);
}

if (process.argv.includes('--serve')) {
  // The whole product with a seeded history and the dashboard (scripts/demo/serve-demo.ts).
  const { serveDemo } = await import('./demo/serve-demo.js');
  await serveDemo();
} else {
  const e2e = await startE2E();
  try {
    await play(e2e);
  } finally {
    await e2e.stop();
  }
}
