import type { CommandProblem } from '../../policy/parse-command.js';

/** The commands, for replies that list them. */
export const COMMAND_HELP = [
  '- `/change-control emergency <reason>`: on a pull request, authorise it as an emergency change (a member of `emergency.teams` who is neither its author nor a contributor; the reason is required)',
  '- `/change-control approve-retro`: on the follow-up issue of an emergency change, approve it retrospectively (a member of `emergency.reviewers`)',
  '- `/change-control recheck`: on a pull request, evaluate it again now (anyone with write access)',
  '- `/change-control explain`: on a pull request, reply with its full evaluation as it stands',
].join('\n');

/** A user's word shown back in a code span: no backticks to break out of it, and not too long. */
function shown(word: string): string {
  const clean = word.replace(/`/g, '').slice(0, 40);
  return `\`${clean === '' ? ' ' : clean}\``;
}

/** The reply to a comment whose command could not be read, saying what was wrong; nothing was run. */
export function problemReply(problem: CommandProblem): string {
  switch (problem.problem) {
    case 'several-commands':
      return `one command per comment: this comment has ${problem.count} \`/change-control\` lines, so none of them was run. Post each command in a comment of its own.`;
    case 'missing-reason':
      return 'a reason is required: `/change-control emergency <reason>`, on one line (for example `/change-control emergency INC-4711 payments are failing`). No emergency was authorised.';
    case 'unexpected-arguments':
      return `\`/change-control ${problem.command}\` takes nothing after it, so it was not run.`;
    case 'unknown-command': {
      const what = problem.word === '' ? '`/change-control` needs a command.' : `${shown(problem.word)} is not a Change Control command.`;
      return `${what} The commands are:\n\n${COMMAND_HELP}`;
    }
  }
}

/** The command word a problem is about, for the audit entry (null when there was no known command). */
export function problemCommand(problem: CommandProblem): string | null {
  if (problem.problem === 'missing-reason') return 'emergency';
  if (problem.problem === 'unexpected-arguments') return problem.command;
  return null;
}
