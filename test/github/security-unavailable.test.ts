import { describe, expect, it } from '@jest/globals';
import { isMissingPermission, refusalOf } from '../../src/github/security-unavailable.js';

/** An Octokit RequestError as far as we read it: the status and GitHub's message. */
const answered = (status: number, message: string) => Object.assign(new Error(message), { status, response: { data: { message } } });

describe('refusalOf: a feature off or a permission missing, versus a failure to retry', () => {
  it.each([
    {
      name: 'code scanning off',
      error: answered(403, 'Code Security must be enabled for this repository to use code scanning.'),
      refusal: true,
    },
    {
      name: 'Advanced Security off',
      error: answered(403, 'Advanced Security must be enabled for this repository to use code scanning.'),
      refusal: true,
    },
    { name: 'dependency graph off', error: answered(403, 'Dependency review is not supported on this repository.'), refusal: true },
    { name: 'not found', error: answered(404, 'Not Found'), refusal: true },
    { name: 'the permission missing', error: answered(403, 'Resource not accessible by integration'), refusal: true },
    { name: 'the primary rate limit', error: answered(403, 'API rate limit exceeded for installation ID 1.'), refusal: false },
    { name: 'a secondary rate limit', error: answered(403, 'You have exceeded a secondary rate limit.'), refusal: false },
    { name: 'too many requests', error: answered(429, 'Too Many Requests'), refusal: false },
    { name: 'a server error', error: answered(502, 'Bad Gateway'), refusal: false },
    { name: 'a network failure', error: new Error('socket hang up'), refusal: false },
  ])('$name → refusal: $refusal', ({ error, refusal }) => {
    expect(refusalOf(error) !== null).toBe(refusal);
  });

  it('tells the missing permission from a feature that is off', () => {
    expect(isMissingPermission({ status: 403, message: 'Resource not accessible by integration' })).toBe(true);
    expect(isMissingPermission({ status: 403, message: 'Code Security must be enabled for this repository to use code scanning.' })).toBe(
      false,
    );
  });
});
