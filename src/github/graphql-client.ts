import { z } from 'zod';

/** The slice of Octokit's `graphql` function we use; injected so tests and the CLI can supply their own. */
export type GraphqlClient = <T = unknown>(query: string, variables?: Record<string, unknown>) => Promise<T>;

const PartialGraphqlError = z.object({
  name: z.literal('GraphqlResponseError'),
  data: z.record(z.string(), z.unknown()).nullable(),
  errors: z.array(
    z.object({ type: z.string().optional(), path: z.array(z.union([z.string(), z.number()])).optional(), message: z.string() }),
  ),
});

/**
 * Runs a query where some top-level fields may legitimately be missing (GitHub answers NOT_FOUND for a
 * repository that does not exist or the app cannot see). Only NOT_FOUND errors on the listed
 * top-level fields are tolerated; any other error is rethrown, so a partial answer is never taken as whole.
 */
export async function graphqlAllowingMissing(input: {
  graphql: GraphqlClient;
  query: string;
  variables: Record<string, unknown>;
  optionalFields: string[];
  /** What an optional field is, for the error when it exists but cannot be read (`orgConfig` → `acme/.github`). */
  names?: Record<string, string>;
}): Promise<unknown> {
  try {
    return await input.graphql<unknown>(input.query, input.variables);
  } catch (error) {
    const parsed = PartialGraphqlError.safeParse(error);
    if (!parsed.success) throw error;
    // An optional source that exists but cannot be read (FORBIDDEN, a server error) is an error, never "absent".
    const unreadable = parsed.data.errors.find(
      (e) => e.type !== 'NOT_FOUND' && e.path?.length === 1 && input.optionalFields.includes(String(e.path[0])),
    );
    if (unreadable) {
      const field = String(unreadable.path?.[0]);
      throw new Error(`${input.names?.[field] ?? field} cannot be read (${unreadable.type ?? 'error'}: ${unreadable.message})`);
    }
    if (parsed.data.data === null) throw error;
    const tolerated = parsed.data.errors.every(
      (e) => e.type === 'NOT_FOUND' && e.path?.length === 1 && input.optionalFields.includes(String(e.path[0])),
    );
    if (!tolerated) throw error;
    return parsed.data.data;
  }
}

/**
 * The fields GitHub answered NOT_FOUND for (dotted paths: `repository`, `repository.pullRequest`) when `error` is
 * a GraphQL error answer; null for any other error.
 */
export function notFoundFields(error: unknown): string[] | null {
  const parsed = PartialGraphqlError.safeParse(error);
  if (!parsed.success) return null;
  return parsed.data.errors.filter((e) => e.type === 'NOT_FOUND' && e.path !== undefined).map((e) => (e.path ?? []).join('.'));
}
