import { LineCounter, isAlias, isMap, isNode, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, Node } from 'yaml';
import { z } from 'zod';
import { ChangeControlConfig } from '../policy/config-schema.js';

/** Where a config text came from, carried into the result so errors can name the file. */
export type ConfigSource = { /** `owner/name` the file came from. */ repo: string; path: string; blobSha: string | null };

/** One problem in the file. `path` is dotted (`approval.count`, `approval.teams[0]`), or "" for the whole file. */
export type ConfigError = { path: string; message: string; line: number | null };

export type ParseConfigResult =
  { ok: true; config: ChangeControlConfig; source: ConfigSource } | { ok: false; source: ConfigSource; errors: ConfigError[] };

type Segment = PropertyKey;
type LineAt = (offset: number) => number;

/**
 * Parses `.github/change-control.yml`: YAML problems and schema problems become errors that say what was allowed,
 * what was given and on which line (policy-bot style). An empty file, or one with only comments, is an error: the default provider is jira, which needs ticket.projects.
 * `floorAllowed: false` (a repository's own file) makes a `floor:` key an error.
 */
export function parseConfig(text: string, source: ConfigSource, options: { floorAllowed?: boolean } = {}): ParseConfigResult {
  const lineCounter = new LineCounter();
  // prettyErrors off: yaml would append a code frame to each message; we report the line on its own.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const lineAt: LineAt = (offset) => lineCounter.linePos(offset).line;
  // Warnings (such as an unknown tag) are errors too: a control's config is read strictly, never guessed.
  const yamlProblems = [...doc.errors, ...doc.warnings];
  if (yamlProblems.length > 0) {
    const errors = yamlProblems.map((problem) => ({ path: '', message: `invalid YAML: ${problem.message}`, line: lineAt(problem.pos[0]) }));
    return { ok: false, source, errors };
  }
  let input: unknown;
  try {
    // Unresolved aliases and alias bombs only surface here, as thrown errors without a position.
    input = doc.toJS() ?? {};
  } catch (error) {
    return { ok: false, source, errors: [{ path: '', message: `invalid YAML: ${(error as Error).message}`, line: null }] };
  }
  // Only the organisation's .github repository may set the floor: a repository's own floor would be no floor at all.
  const floorErrors: ConfigError[] =
    options.floorAllowed === false && valueAt(input, ['floor']) !== undefined
      ? [
          {
            path: 'floor',
            message: "can only be set in the organisation's .github repository",
            line: lineOf({ doc, lineAt, path: ['floor'], part: 'key' }),
          },
        ]
      : [];
  const result = ChangeControlConfig.safeParse(input);
  if (result.success && floorErrors.length === 0) {
    return { ok: true, config: result.data, source };
  }
  const errors = [...floorErrors, ...(result.error?.issues ?? []).flatMap((issue) => toConfigErrors({ issue, input, doc, lineAt }))];
  errors.sort((a, b) => (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER));
  return { ok: false, source, errors };
}

/** Renders an error for people: `approval.count must be a whole number ≥ 0, got "two" (line 2)`. */
export function formatConfigError(error: ConfigError): string {
  const text = error.path === '' ? error.message : `${error.path} ${error.message}`;
  return error.line === null ? text : `${text} (line ${error.line})`;
}

function toConfigErrors(options: { issue: z.core.$ZodIssue; input: unknown; doc: Document; lineAt: LineAt }): ConfigError[] {
  const { issue, input, doc, lineAt } = options;
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedKeys(issue.path).join(', ');
    return issue.keys.map((key) => {
      const path = [...issue.path, key];
      return {
        path: dotted(path),
        message: `is not a known key; allowed keys: ${allowed}`,
        line: lineOf({ doc, lineAt, path, part: 'key' }),
      };
    });
  }
  const value = valueAt(input, issue.path);
  const got = value === undefined ? '' : `, got ${show(value)}`;
  // Our own messages (regex and cross-field rules in schema.ts) already say what is allowed; zod's defaults do not.
  const schema = schemaAt(issue.path);
  let message: string;
  if (issue.message.startsWith('must ') || schema === undefined) {
    message = `${issue.message}${got}`;
  } else if (value === undefined) {
    message = `is missing; it must be ${describe(z.toJSONSchema(schema, { io: 'input' }), 'one')}`;
  } else {
    message = `must be ${describe(z.toJSONSchema(schema, { io: 'input' }), 'one')}${got}`;
  }
  if (issue.path.length === 0) {
    message = `the top level ${message}`;
  }
  return [{ path: dotted(issue.path), message, line: lineOf({ doc, lineAt, path: issue.path, part: 'value' }) }];
}

/** The schema at a path of the config, without its default/optional wrappers. */
function schemaAt(path: readonly Segment[]): z.core.$ZodType | undefined {
  let schema: z.core.$ZodType | undefined = unwrap(ChangeControlConfig);
  for (const segment of path) {
    if (schema instanceof z.ZodObject) {
      schema = schema.shape[String(segment)];
    } else if (schema instanceof z.ZodArray) {
      schema = schema.element;
    } else {
      return undefined;
    }
    schema = schema === undefined ? undefined : unwrap(schema);
  }
  return schema;
}

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let inner = schema;
  for (;;) {
    if (
      inner instanceof z.ZodDefault ||
      inner instanceof z.ZodPrefault ||
      inner instanceof z.ZodOptional ||
      inner instanceof z.ZodNullable
    ) {
      inner = inner.unwrap();
    } else if (inner instanceof z.ZodPipe) {
      // A `.transform()` (ticket's provider-dependent defaults): the keys and rules are those of its input.
      inner = inner.in;
    } else {
      return inner;
    }
  }
}

function allowedKeys(path: readonly Segment[]): string[] {
  const schema = schemaAt(path);
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

/** Says what a schema allows, in words: `a whole number ≥ 0`, `one of jira, none`, `a list of strings`. */
function describe(json: z.core.JSONSchema._JSONSchema, count: 'one' | 'many'): string {
  if (typeof json === 'boolean') {
    return count === 'one' ? 'a value' : 'values';
  }
  if (json.anyOf !== undefined) {
    // A union (`checks.required`: a name, or a name with its source): every form it allows.
    return [...new Set(json.anyOf.map((option) => describe(option, count)))].join(' or ');
  }
  if (json.enum !== undefined) {
    const options = json.enum.map(String).join(', ');
    return count === 'one' ? `one of ${options}` : `values among ${options}`;
  }
  switch (json.type) {
    case 'integer':
    case 'number': {
      const noun = json.type === 'integer' ? 'whole number' : 'number';
      return `${count === 'one' ? `a ${noun}` : `${noun}s`}${bounds(json)}`;
    }
    case 'string': {
      const noun = json.minLength !== undefined && json.minLength > 0 ? 'non-empty string' : 'string';
      return count === 'one' ? `a ${noun}` : `${noun}s`;
    }
    case 'boolean':
      return count === 'one' ? 'true or false' : 'booleans';
    case 'array': {
      const items = Array.isArray(json.items) || json.items === undefined ? 'values' : describe(json.items, 'many');
      const min = json.minItems ?? 0;
      const list = min === 0 ? `list of ${items}` : min === 1 ? `non-empty list of ${items}` : `list of at least ${min} ${items}`;
      return count === 'one' ? `a ${list}` : 'lists';
    }
    case 'object': {
      const keys = Object.keys(json.properties ?? {}).join(', ');
      return count === 'one' ? `a mapping with keys ${keys}` : 'mappings';
    }
    default:
      return count === 'one' ? 'a value' : 'values';
  }
}

function bounds(json: z.core.JSONSchema.JSONSchema): string {
  const { minimum, maximum } = json;
  // z.int() always carries the safe-integer range; saying so would only add noise.
  const max = maximum !== undefined && maximum < Number.MAX_SAFE_INTEGER ? maximum : undefined;
  const min = minimum !== undefined && minimum > Number.MIN_SAFE_INTEGER ? minimum : undefined;
  if (min !== undefined && max !== undefined) {
    return ` from ${min} to ${max}`;
  }
  if (min !== undefined) {
    return ` ≥ ${min}`;
  }
  return max === undefined ? '' : ` ≤ ${max}`;
}

function valueAt(input: unknown, path: readonly Segment[]): unknown {
  let value = input;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null || typeof segment === 'symbol' || !Object.hasOwn(value, segment)) {
      return undefined;
    }
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

/** The given value as JSON, cut to 40 characters so a pasted blob does not drown the message. */
function show(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'number' || typeof value === 'bigint' ? String(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    // A self-referencing anchor makes a circular value.
    text = String(value);
  }
  return text.length <= 40 ? text : `${text.slice(0, 39)}…`;
}

function dotted(path: readonly Segment[]): string {
  let text = '';
  for (const segment of path) {
    text += typeof segment === 'number' ? `[${segment}]` : `${text === '' ? '' : '.'}${String(segment)}`;
  }
  return text;
}

/**
 * The 1-based line for an error at `path`: of the key for an unknown key, of the value for a bad value, and, when
 * the entry is missing, of the nearest mapping that holds it (or null when the file is empty).
 */
function lineOf(options: { doc: Document; lineAt: LineAt; path: readonly Segment[]; part: 'key' | 'value' }): number | null {
  const { doc, lineAt, path, part } = options;
  const trail = nodeTrail(doc, path);
  const last = trail.at(-1);
  let node: Node | null | undefined;
  if (trail.length === path.length) {
    node = (part === 'key' ? (last?.key ?? last?.value) : (last?.value ?? last?.key)) ?? doc.contents;
  } else {
    node = last?.key ?? last?.value ?? doc.contents;
  }
  const offset = node?.range?.[0];
  return offset === undefined ? null : lineAt(offset);
}

/** The key and value nodes along `path`, as far as the document has them. */
function nodeTrail(doc: Document, path: readonly Segment[]): { key: Node | null; value: Node | null }[] {
  const trail: { key: Node | null; value: Node | null }[] = [];
  let node: unknown = doc.contents;
  for (const segment of path) {
    if (isAlias(node)) {
      node = node.resolve(doc);
    }
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (pair === undefined) {
        break;
      }
      trail.push({ key: isNode(pair.key) ? pair.key : null, value: isNode(pair.value) ? pair.value : null });
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item: unknown = node.items[segment];
      if (!isNode(item)) {
        break;
      }
      trail.push({ key: null, value: item });
      node = item;
    } else {
      break;
    }
  }
  return trail;
}
