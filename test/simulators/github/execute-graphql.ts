import { schema as githubSchema } from '@octokit/graphql-schema';
import {
  buildClientSchema,
  execute,
  getOperationAST,
  GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';
import { ForbiddenError, NotFoundError, queryRoot, type GraphqlContext } from './graphql-objects.js';

// Built once per process: buildClientSchema over GitHub's 10 MB introspection result takes about half a second, and the
// schema is immutable. (`buildSchema` on the SDL file fails: it declares some fields twice.)
let schemaCache: GraphQLSchema | undefined;

export function githubGraphqlSchema(): GraphQLSchema {
  schemaCache ??= buildClientSchema(githubSchema.json as unknown as IntrospectionQuery);
  return schemaCache;
}

export interface GraphqlRequestBody {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

export interface GraphqlOutcome {
  /** What GitHub would answer (HTTP 200 in every case, as GitHub does for query errors). */
  response: { data?: unknown; errors?: unknown[] };
  operationName: string | null;
  variables: Record<string, unknown>;
  /** Errors that are bugs in the query or the simulator, never GitHub's normal answers (NOT_FOUND is normal). */
  problems: string[];
}

function formatError(error: GraphQLError): Record<string, unknown> {
  const base = { path: error.path, locations: error.locations, message: error.message };
  // GitHub puts `type` at the top level of the error, not under `extensions`.
  if (error.originalError instanceof NotFoundError) return { type: 'NOT_FOUND', ...base };
  return error.originalError instanceof ForbiddenError ? { type: 'FORBIDDEN', ...base } : base;
}

/** Parses, validates against GitHub's real schema, and executes a query over the simulator's state. */
export async function executeGraphql(ctx: GraphqlContext, body: GraphqlRequestBody): Promise<GraphqlOutcome> {
  const variables = typeof body.variables === 'object' && body.variables !== null ? (body.variables as Record<string, unknown>) : {};
  const requestedName = typeof body.operationName === 'string' ? body.operationName : null;
  const fail = (errors: readonly GraphQLError[], operationName: string | null): GraphqlOutcome => ({
    response: { errors: errors.map((e) => ({ message: e.message, locations: e.locations })) },
    operationName,
    variables,
    problems: errors.map((e) => `invalid GraphQL query: ${e.message}`),
  });
  if (typeof body.query !== 'string') return fail([new GraphQLError('A query attribute must be specified and must be a string.')], null);
  let document: DocumentNode;
  try {
    document = parse(body.query);
  } catch (error) {
    return fail([error instanceof GraphQLError ? error : new GraphQLError(String(error))], requestedName);
  }
  const operationName = getOperationAST(document, requestedName)?.name?.value ?? requestedName;
  const schema = githubGraphqlSchema();
  const invalid = validate(schema, document);
  if (invalid.length > 0) return fail(invalid, operationName);
  if (getOperationAST(document, requestedName)?.operation !== 'query') {
    return fail([new GraphQLError('The simulator answers queries only; this app must not send mutations.')], operationName);
  }

  const result = await execute({ schema, document, rootValue: queryRoot(ctx), variableValues: variables, operationName: requestedName });
  const errors = result.errors ?? [];
  const problems = errors
    .filter((e) => !(e.originalError instanceof NotFoundError || e.originalError instanceof ForbiddenError))
    .map((e) => `GraphQL execution error: ${e.message}`);
  return {
    response: errors.length > 0 ? { data: result.data ?? null, errors: errors.map(formatError) } : { data: result.data },
    operationName,
    variables,
    problems,
  };
}
