/** The check run report escapes markdown in user text (`\(`, `\_`); tests compare the text a reader sees. */
export function unescapeMarkdown(text: string | null | undefined): string {
  return (text ?? '').replace(/\\(.)/g, '$1');
}
