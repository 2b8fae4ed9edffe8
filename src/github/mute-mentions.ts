/**
 * Puts each `@login` in a code span, so a report posted as a comment names people without notifying them
 * (the check run report lists every author, contributor and reviewer).
 */
export function muteMentions(markdown: string): string {
  return markdown.replace(/(^|[^\w`@/])@([A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?)/g, '$1`@$2`');
}
