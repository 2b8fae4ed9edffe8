import { GraphQLError } from 'graphql';

/** Field arguments as graphql-js passes them to a resolver. */
export type Args = Record<string, unknown>;

/** GitHub's cap on `first`/`last`. */
const MAX_PAGE = 100;

const encodeCursor = (index: number): string => Buffer.from(`cursor:v2:${index}`).toString('base64');

function decodeCursor(cursor: unknown, connection: string): number {
  const text = typeof cursor === 'string' ? Buffer.from(cursor, 'base64').toString('utf8') : '';
  const match = /^cursor:v2:(\d+)$/.exec(text);
  if (!match) throw new GraphQLError(`\`${String(cursor)}\` does not appear to be a valid cursor for the \`${connection}\` connection.`);
  return Number(match[1]);
}

function pageSize(args: Args, connection: string): { first: number | undefined; last: number | undefined } {
  const first = typeof args.first === 'number' ? args.first : undefined;
  const last = typeof args.last === 'number' ? args.last : undefined;
  for (const [name, value] of [
    ['first', first],
    ['last', last],
  ] as const) {
    if (value !== undefined && (value < 0 || value > MAX_PAGE)) {
      throw new GraphQLError(
        `Requesting ${value} records on the \`${connection}\` connection exceeds the \`${name}\` limit of ${MAX_PAGE} records.`,
      );
    }
  }
  return { first, last };
}

/**
 * A GitHub connection over `items`, paged like GitHub: `first`/`last` up to 100, opaque cursors. As on GitHub,
 * `totalCount` needs no page size, but asking for `nodes` or `edges` without `first` or `last` is an error.
 */
export function connection<T>(items: readonly T[], args: Args, name: string, toNode: (item: T) => unknown): Record<string, unknown> {
  const { first, last } = pageSize(args, name);
  let start = args.after === undefined || args.after === null ? 0 : decodeCursor(args.after, name) + 1;
  let end = args.before === undefined || args.before === null ? items.length : decodeCursor(args.before, name);
  if (first !== undefined) end = Math.min(end, start + first);
  if (last !== undefined) start = Math.max(start, end - last);
  const indexes = items.slice(start, Math.max(start, end)).map((_, offset) => start + offset);
  const bounded = (): void => {
    if (first === undefined && last === undefined) {
      throw new GraphQLError(`You must provide a \`first\` or \`last\` value to properly paginate the \`${name}\` connection.`);
    }
  };
  return {
    totalCount: items.length,
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: indexes.length > 0 ? encodeCursor(indexes[0]!) : null,
      endCursor: indexes.length > 0 ? encodeCursor(indexes.at(-1)!) : null,
    },
    nodes: () => {
      bounded();
      return indexes.map((index) => toNode(items[index]!));
    },
    edges: () => {
      bounded();
      return indexes.map((index) => ({ cursor: encodeCursor(index), node: toNode(items[index]!) }));
    },
  };
}
