import { startGitHubSimulator, type GitHubSimulator, type GitHubSimulatorOptions } from './github/create-github-simulator.js';
import { startJiraSimulator, type JiraSimulator, type JiraSimulatorOptions } from './jira/create-jira-simulator.js';

export {
  startGitHubSimulator,
  type CallCounts,
  type FailureRule,
  type GitHubRequest,
  type GitHubSimulator,
  type GitHubSimulatorOptions,
} from './github/create-github-simulator.js';
export {
  startJiraSimulator,
  DEFAULT_JIRA_CLOUD,
  type JiraOutage,
  type JiraSimulator,
  type JiraSimulatorOptions,
} from './jira/create-jira-simulator.js';
export { ACTIONS_APP } from './github/state.js';
export type { UnexpectedRequest } from './http.js';

export interface Simulators {
  github: GitHubSimulator;
  jira: JiraSimulator;
  /** Everything both simulators received that they did not expect; a test asserts it is empty. */
  unexpectedRequests(): {
    github: ReturnType<GitHubSimulator['unexpectedRequests']>;
    jira: ReturnType<JiraSimulator['unexpectedRequests']>;
  };
  reset(): void;
  stop(): Promise<void>;
}

/** Starts the GitHub and Jira simulators on free loopback ports. No test framework here: the demo uses them too. */
export async function startSimulators(options: { github?: GitHubSimulatorOptions; jira?: JiraSimulatorOptions } = {}): Promise<Simulators> {
  const [github, jira] = await Promise.all([startGitHubSimulator(options.github), startJiraSimulator(options.jira)]);
  return {
    github,
    jira,
    unexpectedRequests: () => ({ github: github.unexpectedRequests(), jira: jira.unexpectedRequests() }),
    reset() {
      github.reset();
      jira.reset();
    },
    stop: async () => {
      await Promise.all([github.stop(), jira.stop()]);
    },
  };
}
export {
  startServiceNowSimulator,
  CHANGE_MANAGER_RECORD,
  DEFAULT_SERVICENOW_USER,
  type ServiceNowSimulator,
} from './servicenow/create-servicenow-simulator.js';
export {
  startOpaSimulator,
  OPA_BUNDLE,
  type OpaMode,
  type OpaRequest,
  type OpaSimulator,
  type SimPolicy,
} from './opa/create-opa-simulator.js';
