function globToRegExp(pattern: string): RegExp {
  // `**` matches across slashes, `*` within one path segment, as in GitHub's branch protection patterns.
  const source = pattern
    .split('**')
    .map((part) =>
      part
        .split('*')
        .map((literal) => literal.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^/]*'),
    )
    .join('.*');
  return new RegExp(`^${source}$`);
}

/** Whether a PR into `baseRef` is under control: listed in `branches`, or the default branch when none are listed. */
export function isControlledBranch(input: { baseRef: string; branches: string[] | undefined; defaultBranch: string }): boolean {
  const patterns = input.branches ?? [input.defaultBranch];
  return patterns.some((pattern) => globToRegExp(pattern).test(input.baseRef));
}
