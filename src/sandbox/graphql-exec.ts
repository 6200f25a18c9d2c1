/**
 * GraphQL as GitHub answers it, executed by graphql-js over the sandbox's trimmed copy of
 * GitHub's schema (graphql-trim.ts). Parsing, validation, variable coercion and execution are
 * graphql-js's; this module only shapes the answers and errors the way GitHub does:
 * - a document that does not parse or validate gets `{"errors": [...]}` and no data, with GitHub's
 *   wording for unknown fields, arguments and types (`Field 'x' doesn't exist on type 'Y'`);
 * - a resolver's typed error (`NOT_FOUND`, `EXCESSIVE_PAGINATION`…) comes back beside the data,
 *   its field null, with `type`, `path`, `locations` and `message`.
 */
import {
  execute,
  type GraphQLError,
  isObjectType,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from "graphql";
import { githubSchema } from "../load/github/schema/graphql.js";
import { trimmedSchema, type ResolverMap } from "./graphql-trim.js";

export interface GqlError {
  type?: string;
  path?: ReadonlyArray<string | number>;
  locations?: ReadonlyArray<{ line: number; column: number }>;
  extensions?: Record<string, unknown>;
  message: string;
}

/** A GraphQL answer as GitHub sends it: `data` is absent when the document was refused outright. */
export interface GraphqlPayload {
  data?: Record<string, unknown> | null;
  errors?: GqlError[];
}

/** An error GitHub reports with a `type` (NOT_FOUND, EXCESSIVE_PAGINATION, RATE_LIMITED…). */
export class GraphqlTypedError extends Error {
  override readonly name = "GraphqlTypedError";
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (message: string) => new GraphqlTypedError("NOT_FOUND", message);

/** A parsed request document, or GitHub's answer to one that does not parse. */
export function parseQuery(query: string): { document: DocumentNode } | { refused: GraphqlPayload } {
  const known = parsed.get(query);
  if (known) return known;
  const result = parseUncached(query);
  // A client sends the same few documents again and again: parse and validate each once.
  if (parsed.size >= MAX_CACHED_DOCUMENTS) parsed.delete(parsed.keys().next().value!);
  parsed.set(query, result);
  return result;
}

const MAX_CACHED_DOCUMENTS = 500;
const parsed = new Map<string, { document: DocumentNode } | { refused: GraphqlPayload }>();

function parseUncached(query: string): { document: DocumentNode } | { refused: GraphqlPayload } {
  try {
    return { document: parse(query) };
  } catch (error) {
    const e = error as GraphQLError;
    const at = e.locations?.[0];
    const where = at ? ` at [${at.line}, ${at.column}]` : "";
    return { refused: { errors: [{ message: `Parse error${where}: ${e.message.replace(/^Syntax Error: /, "")}`, ...(e.locations ? { locations: e.locations } : {}) }] } };
  }
}

/** The operation a request runs: the one named, or the document's only operation. */
export function operationNameOf(document: DocumentNode, requested?: string): string | undefined {
  if (requested) return requested;
  const ops = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  return ops.length === 1 ? ops[0].name?.value : undefined;
}

export class GraphqlExecutor {
  #schema?: Promise<{ github: GraphQLSchema; sandbox: GraphQLSchema }>;
  /** Validation errors by document (documents come from `parseQuery`'s cache, so they repeat). */
  readonly #invalid = new WeakMap<DocumentNode, GqlError[]>();

  constructor(private readonly resolvers: ResolverMap) {}

  /** Built on first use, from the same copy of GitHub's schema the exchange check uses. */
  schema(): Promise<{ github: GraphQLSchema; sandbox: GraphQLSchema }> {
    this.#schema ??= githubSchema().then((github) => ({ github, sandbox: trimmedSchema(github, this.resolvers) }));
    return this.#schema;
  }

  async run(document: DocumentNode, variables: Record<string, unknown> | undefined, operationName: string | undefined, context: unknown): Promise<GraphqlPayload> {
    const { github, sandbox } = await this.schema();
    let invalid = this.#invalid.get(document);
    if (!invalid) this.#invalid.set(document, (invalid = validate(sandbox, document).map((e) => validationError(github, e))));
    if (invalid.length) return { errors: invalid };
    const result = await execute({ schema: sandbox, document, variableValues: variables ?? {}, operationName, contextValue: context });
    const errors = result.errors?.map(executionError);
    // Refused before any field ran (bad variables, an operation type the sandbox lacks): no data, as GitHub.
    if (result.data == null && errors?.every((e) => e.path === undefined)) return { errors };
    return errors?.length ? { data: result.data as Record<string, unknown> | null, errors } : { data: result.data as Record<string, unknown> };
  }
}

function executionError(e: GraphQLError): GqlError {
  const typed = e.originalError instanceof GraphqlTypedError ? e.originalError : undefined;
  return {
    ...(typed ? { type: typed.type } : {}),
    ...(e.path ? { path: e.path } : {}),
    ...(e.locations ? { locations: e.locations } : {}),
    message: e.message,
  };
}

/**
 * GitHub's wording for the validation errors a client meets most. A field GitHub has but the
 * sandbox does not model says so, so the sandbox is not mistaken for GitHub's verdict.
 */
function validationError(github: GraphQLSchema, e: GraphQLError): GqlError {
  const locations = e.locations ? { locations: e.locations } : {};
  const field = /^Cannot query field "(\w+)" on type "(\w+)"\./.exec(e.message);
  if (field) {
    const [, fieldName, typeName] = field;
    const type = github.getType(typeName);
    const githubHasIt = isObjectType(type) && fieldName in type.getFields();
    return {
      extensions: { code: "undefinedField", typeName, fieldName },
      ...locations,
      message: `Field '${fieldName}' doesn't exist on type '${typeName}'${githubHasIt ? " (GitHub has it; the sandbox does not model it)" : ""}`,
    };
  }
  const argument = /^Unknown argument "(\w+)" on field "(\w+)\.(\w+)"\./.exec(e.message);
  if (argument) {
    const [, argumentName, _typeName, fieldName] = argument;
    return {
      extensions: { code: "argumentNotAccepted", name: fieldName, typeName: "Field", argumentName },
      ...locations,
      message: `Field '${fieldName}' doesn't accept argument '${argumentName}'`,
    };
  }
  const type = /^Unknown type "(\w+)"\./.exec(e.message);
  if (type) {
    const githubHasIt = github.getType(type[1]) !== undefined;
    return {
      extensions: { code: "undefinedType", typeName: type[1] },
      ...locations,
      message: `No such type ${type[1]}, so it can't be a fragment condition${githubHasIt ? " (GitHub has it; the sandbox does not model it)" : ""}`,
    };
  }
  return { ...locations, message: e.message };
}

/** A page of a connection, as the connection resolvers (`totalCount`, `nodes`, `edges`, `pageInfo`) read it. */
export interface ConnectionPage<N> {
  totalCount: number;
  nodes: N[];
  edges: Array<{ cursor: string; node: N; index: number }>;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

/** GitHub's page size limit for every connection. */
const MAX_PAGE = 100;

/** A Relay connection over a list, with `first/after/last/before` and index cursors, limited as GitHub limits them. */
export function connection<T, N>(items: readonly T[], args: Record<string, unknown>, info: GraphQLResolveInfo, toNode: (item: T) => N): ConnectionPage<N> {
  const first = args.first as number | null | undefined;
  const last = args.last as number | null | undefined;
  const name = info.fieldName;
  for (const [k, n] of [["first", first], ["last", last]] as const) {
    if (n != null && (n < 0 || n > MAX_PAGE)) {
      throw new GraphqlTypedError("EXCESSIVE_PAGINATION", `Requesting ${n} records on the \`${name}\` connection exceeds the \`${k}\` limit of ${MAX_PAGE} records.`);
    }
  }
  if (first == null && last == null) {
    throw new GraphqlTypedError("MISSING_PAGINATION_BOUNDARIES", `You must provide a \`first\` or \`last\` value to properly paginate the \`${name}\` connection.`);
  }
  const decode = (c: unknown) => (typeof c === "string" ? Number(Buffer.from(c, "base64").toString("utf8").replace(/^cursor:/, "")) : undefined);
  const encode = (i: number) => Buffer.from(`cursor:${i}`).toString("base64");
  let start = 0;
  let end = items.length;
  const after = decode(args.after);
  const before = decode(args.before);
  if (after !== undefined && !Number.isNaN(after)) start = after + 1;
  if (before !== undefined && !Number.isNaN(before)) end = Math.min(end, before);
  if (first != null) end = Math.min(end, start + first);
  if (last != null) start = Math.max(start, end - last);
  const nodes = items.slice(start, end).map(toNode);
  return {
    totalCount: items.length,
    nodes,
    edges: nodes.map((node, i) => ({ cursor: encode(start + i), node, index: start + i })),
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: nodes.length ? encode(start) : null,
      endCursor: nodes.length ? encode(end - 1) : null,
    },
  };
}
