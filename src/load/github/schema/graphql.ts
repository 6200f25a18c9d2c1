/**
 * GraphQL documents and answers checked against GitHub's own schema (`@octokit/graphql-schema`),
 * with graphql-js: a document must validate (no field GitHub lacks, no wrong argument), and an
 * answer must have the shape the document asks for — every field present, non-null fields not
 * null, lists as lists, scalars and enums of their type. An answer is checked by executing the
 * document over GitHub's schema with the answer itself as the data, so the check is exactly as
 * strict as GitHub's type system, no more.
 */
import { readFile } from "node:fs/promises";
import {
  buildSchema,
  execute,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type GraphQLFieldResolver,
  type GraphQLSchema,
  type GraphQLTypeResolver,
  type SelectionSetNode,
} from "graphql";

let schemaPromise: Promise<GraphQLSchema> | undefined;

/**
 * GitHub's schema, built once per process on first use. Without source locations: they would keep
 * every token of the 1.2 MB SDL alive (half the schema's ~22 MB of heap), and no check reports a
 * position in GitHub's schema.
 */
export function githubSchema(): Promise<GraphQLSchema> {
  schemaPromise ??= githubSdl().then((sdl) => buildSchema(sdl, { assumeValidSDL: true, noLocation: true }));
  return schemaPromise;
}

/**
 * The schema's SDL file, read directly: the package's entry also parses a 5 MB JSON copy of it
 * on import, which would double the start-up cost for nothing.
 */
async function githubSdl(): Promise<string> {
  try {
    return await readFile(new URL("./schema.graphql", import.meta.resolve("@octokit/graphql-schema")), "utf8");
  } catch {
    return (await import("@octokit/graphql-schema")).schema.idl;
  }
}

const documents = new Map<string, { document?: DocumentNode; problems: string[] }>();

/** Problems with a GraphQL document against GitHub's schema; `[]` when GitHub would accept it. */
export async function validateGraphqlDocument(query: string): Promise<string[]> {
  return (await checkedDocument(query)).problems;
}

async function checkedDocument(query: string): Promise<{ document?: DocumentNode; problems: string[] }> {
  const known = documents.get(query);
  if (known) return known;
  let checked: { document?: DocumentNode; problems: string[] };
  try {
    const document = parse(query);
    const problems = validate(await githubSchema(), document).map((e) => `GraphQL document ${operationName(document)}: ${e.message}`);
    checked = { document, problems };
  } catch (error) {
    checked = { problems: [`GraphQL document does not parse: ${(error as Error).message}`] };
  }
  documents.set(query, checked);
  return checked;
}

/**
 * Problems with a GraphQL answer (`{ data, errors }`) to `query`. Where GitHub reports an error
 * at a path, what lies under that path is not checked: GitHub said why it is missing.
 */
export async function validateGraphqlAnswer(query: string, variables: Record<string, unknown> | undefined, answer: unknown): Promise<string[]> {
  const where = "GitHub's GraphQL answer";
  if (typeof answer !== "object" || answer === null || Array.isArray(answer)) {
    return [`${where} is not a JSON object (${typeof answer === "string" ? "cut short or not JSON" : describe(answer)})`];
  }
  const { data, errors } = answer as { data?: unknown; errors?: unknown };
  if (errors !== undefined && !Array.isArray(errors)) return [`${where} has "errors" that is not a list`];
  if (data === undefined || data === null) {
    return Array.isArray(errors) && errors.length > 0 ? [] : [`${where} has neither data nor errors`];
  }
  const { document } = await checkedDocument(query);
  if (!document) return [];
  const errorPaths = (Array.isArray(errors) ? errors : [])
    .map((e) => (e as { path?: unknown }).path)
    .filter((p): p is Array<string | number> => Array.isArray(p))
    .map((p) => p.join("."));
  const result = execute({
    schema: await githubSchema(),
    document,
    rootValue: data,
    variableValues: variables,
    fieldResolver: readAnswerField,
    typeResolver: answerType,
  }) as Awaited<ReturnType<typeof execute>>;
  return (result.errors ?? [])
    .filter((e) => {
      const at = (e.path ?? []).join(".");
      return !errorPaths.some((p) => at === p || at.startsWith(`${p}.`));
    })
    .map((e) => `${where} at ${(e.path ?? []).join(".") || "the top"}: ${e.message}`);
}

/** Reads a field of the answer by its response key (the alias, when there is one); a missing field is an error. */
const readAnswerField: GraphQLFieldResolver<unknown, unknown> = (source, _args, _context, info) => {
  const key = info.path.key as string;
  if (typeof source !== "object" || source === null || !(key in source)) throw new Error(`the field "${key}" is missing`);
  return (source as Record<string, unknown>)[key];
};

/**
 * Which object type an answer's value of an interface or union is: its `__typename` when the
 * document asked for it; otherwise the type of the inline fragment whose fields it has, or a type
 * no fragment names when it has none of them (e.g. `{}` for a tree where a blob was asked for).
 */
const answerType: GraphQLTypeResolver<unknown, unknown> = (value, _context, info, abstractType) => {
  const record = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
  if (typeof record.__typename === "string") return record.__typename;
  const possible = info.schema.getPossibleTypes(abstractType).map((t) => t.name);
  const fragments = info.fieldNodes.flatMap((node) => inlineFragments(node.selectionSet));
  const matching = fragments.find((f) => possible.includes(f.type) && f.keys.length > 0 && f.keys.every((k) => k in record));
  if (matching) return matching.type;
  const named = new Set(fragments.map((f) => f.type));
  const hasFragmentField = fragments.some((f) => f.keys.some((k) => k in record));
  return (!hasFragmentField ? possible.find((t) => !named.has(t)) : undefined) ?? fragments[0]?.type ?? possible[0];
};

function inlineFragments(selectionSet: SelectionSetNode | undefined): Array<{ type: string; keys: string[] }> {
  return (selectionSet?.selections ?? []).flatMap((selection) => {
    if (selection.kind !== Kind.INLINE_FRAGMENT || !selection.typeCondition) return [];
    const keys = selection.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [(s.alias ?? s.name).value] : []));
    return [{ type: selection.typeCondition.name.value, keys }];
  });
}

function operationName(document: DocumentNode): string {
  const op = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  return op && "name" in op && op.name ? op.name.value : "(anonymous)";
}

function describe(value: unknown): string {
  return Array.isArray(value) ? "a list" : value === null ? "null" : typeof value;
}
