import { describe, expect, it } from '@jest/globals';
import { parseCommand } from '../../src/policy/parse-command.js';

describe('parseCommand', () => {
  it.each([
    ['plain text', 'Looks good to me'],
    ['an empty comment', ''],
    ['the command in the middle of a line', 'please run /change-control recheck'],
    ['a quoted command', '> /change-control emergency payments down'],
    ['a command in a fenced code block', 'To authorise:\n```\n/change-control emergency <reason>\n```'],
    ['a command in a tilde fence', '~~~\n/change-control recheck\n~~~'],
    ['a command indented as code (4 spaces)', '    /change-control recheck'],
    ['another word glued to the prefix', '/change-controlled recheck'],
    ['the prefix without its slash', 'change-control recheck'],
  ])('ignores %s (null: no reply)', (_case, body) => {
    expect(parseCommand(body)).toBeNull();
  });

  it.each([
    [
      'emergency with a reason',
      '/change-control emergency INC-4711 payments are failing',
      { ok: true, command: 'emergency', reason: 'INC-4711 payments are failing' },
    ],
    [
      'the reason kept as written',
      '/change-control emergency  INC-1:   card  auth down  ',
      { ok: true, command: 'emergency', reason: 'INC-1:   card  auth down' },
    ],
    ['a case-insensitive command word', '/change-control EMERGENCY Outage', { ok: true, command: 'emergency', reason: 'Outage' }],
    ['a case-insensitive prefix', '/Change-Control Recheck', { ok: true, command: 'recheck' }],
    ['recheck', '/change-control recheck', { ok: true, command: 'recheck' }],
    ['explain', '/change-control explain', { ok: true, command: 'explain' }],
    ['approve-retro alone', '/change-control approve-retro', { ok: true, command: 'approve-retro', note: null }],
    [
      'approve-retro with a note',
      '/change-control approve-retro reviewed the diff with @bob',
      { ok: true, command: 'approve-retro', note: 'reviewed the diff with @bob' },
    ],
    [
      'a command among other lines',
      'Production is down.\r\n/change-control emergency INC-9\r\nThanks',
      { ok: true, command: 'emergency', reason: 'INC-9' },
    ],
    ['up to three spaces before it', '   /change-control explain', { ok: true, command: 'explain' }],
    ['a tab after the prefix', '/change-control\texplain', { ok: true, command: 'explain' }],
    ['a command after a closed fence', '```\ncode\n```\n/change-control recheck', { ok: true, command: 'recheck' }],
  ])('reads %s', (_case, body, expected) => {
    expect(parseCommand(body)).toEqual(expected);
  });

  it.each([
    ['two commands', '/change-control recheck\n/change-control explain', { ok: false, problem: 'several-commands', count: 2 }],
    ['the same command twice', '/change-control recheck\n/change-control recheck', { ok: false, problem: 'several-commands', count: 2 }],
    ['an unknown command word', '/change-control approve', { ok: false, problem: 'unknown-command', word: 'approve' }],
    ['the prefix alone', '/change-control', { ok: false, problem: 'unknown-command', word: '' }],
    ['emergency without a reason', '/change-control emergency', { ok: false, problem: 'missing-reason' }],
    ['emergency with only spaces after it', '/change-control emergency   ', { ok: false, problem: 'missing-reason' }],
    [
      'emergency with the reason on the next line',
      '/change-control emergency\nINC-1 payments down',
      { ok: false, problem: 'missing-reason' },
    ],
    [
      'recheck with words after it',
      '/change-control recheck now please',
      { ok: false, problem: 'unexpected-arguments', command: 'recheck' },
    ],
    ['explain with words after it', '/change-control explain all', { ok: false, problem: 'unexpected-arguments', command: 'explain' }],
  ])('refuses %s', (_case, body, expected) => {
    expect(parseCommand(body)).toEqual(expected);
  });
});
