/** The `/change-control` commands, in the order the help reply lists them. */
export const COMMAND_NAMES = ['emergency', 'approve-retro', 'recheck', 'explain'] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

export type Command =
  | { command: 'emergency'; reason: string }
  /** `note`: optional words after the command, kept as evidence of what the reviewer looked at. */
  | { command: 'approve-retro'; note: string | null }
  | { command: 'recheck' | 'explain' };

export type CommandProblem =
  | { problem: 'several-commands'; count: number }
  /** `word` is what followed `/change-control` (empty when nothing did), as written. */
  | { problem: 'unknown-command'; word: string }
  | { problem: 'missing-reason' }
  | { problem: 'unexpected-arguments'; command: 'recheck' | 'explain' };

export type ParsedCommand = ({ ok: true } & Command) | ({ ok: false } & CommandProblem);

/**
 * A command line: `/change-control` at the start of a line (up to three spaces in, as markdown allows before a
 * paragraph; four make a code block), then whitespace and the command word, or the end of the line.
 */
const COMMAND_LINE = /^ {0,3}\/change-control(?:[ \t]+(.*))?$/i;
/** A fenced code block opens or closes (``` or ~~~): what is inside is quoted, not said. */
const FENCE = /^ {0,3}(?:```|~~~)/;

function commandLines(body: string): string[] {
  const lines: string[] = [];
  let fenced = false;
  for (const line of body.split(/\r\n?|\n/)) {
    if (FENCE.test(line)) {
      fenced = !fenced;
      continue;
    }
    if (!fenced && COMMAND_LINE.test(line)) lines.push(line);
  }
  return lines;
}

/**
 * Reads the one `/change-control` command of a comment. Null when the comment has none (it is ignored,
 * without a reply). The command word is case-insensitive; quoted lines (`> /change-control …`), code
 * blocks and text elsewhere in a line are not commands. Two or more command lines are refused as a whole,
 * so a comment never does half of what it says.
 */
export function parseCommand(body: string): ParsedCommand | null {
  const lines = commandLines(body);
  if (lines.length === 0) return null;
  if (lines.length > 1) return { ok: false, problem: 'several-commands', count: lines.length };
  const rest = (COMMAND_LINE.exec(lines[0] ?? '')?.[1] ?? '').trim();
  const word = rest.split(/[ \t]/, 1)[0] ?? '';
  const text = rest.slice(word.length).trim();
  switch (word.toLowerCase()) {
    case 'emergency':
      return text === '' ? { ok: false, problem: 'missing-reason' } : { ok: true, command: 'emergency', reason: text };
    case 'approve-retro':
      return { ok: true, command: 'approve-retro', note: text === '' ? null : text };
    case 'recheck':
    case 'explain': {
      const command = word.toLowerCase() as 'recheck' | 'explain';
      return text === '' ? { ok: true, command } : { ok: false, problem: 'unexpected-arguments', command };
    }
    default:
      return { ok: false, problem: 'unknown-command', word };
  }
}
