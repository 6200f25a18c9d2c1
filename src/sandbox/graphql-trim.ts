/**
 * The sandbox's GraphQL schema: GitHub's own (`@octokit/graphql-schema`), trimmed to what the
 * sandbox resolves. Every object type and field comes from GitHub's schema with its arguments and
 * types unchanged; the resolver map decides which of them are kept. So a query the sandbox answers
 * is one GitHub would accept, and a field the sandbox does not model is rejected by validation
 * instead of being answered with something GitHub never sends.
 *
 * Interfaces keep the fields every kept implementation resolves, unions the members the sandbox
 * resolves; input types, enums and scalars are GitHub's, whole.
 */
import {
  GraphQLInterfaceType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLUnionType,
  getNamedType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isUnionType,
  validateSchema,
  type GraphQLAbstractType,
  type GraphQLField,
  type GraphQLFieldConfigMap,
  type GraphQLFieldResolver,
  type GraphQLNamedType,
  type GraphQLOutputType,
} from "graphql";

/** Resolvers by object type, then field. The keys are the fields the sandbox models. */
export type ResolverMap = Record<string, Record<string, GraphQLFieldResolver<any, any, any>>>;

export class SandboxSchemaError extends Error {
  override readonly name = "SandboxSchemaError";
}

/** GitHub's schema cut down to `resolvers`, each kept field resolved by its resolver. */
export function trimmedSchema(github: GraphQLSchema, resolvers: ResolverMap): GraphQLSchema {
  checkAgainstGitHub(github, resolvers);
  const objects = reachableObjects(github, resolvers);
  const interfaceFields = keptInterfaceFields(github, resolvers, objects);
  const built = new Map<string, GraphQLNamedType>();

  const output = (type: GraphQLOutputType): GraphQLOutputType => {
    if (isNonNullType(type)) return new GraphQLNonNull(output(type.ofType));
    if (isListType(type)) return new GraphQLList(output(type.ofType));
    return named(type) as GraphQLOutputType;
  };
  const fieldConfigs = (fields: GraphQLField<unknown, unknown>[], resolve?: Record<string, GraphQLFieldResolver<any, any, any>>) => {
    const out: GraphQLFieldConfigMap<unknown, unknown> = {};
    for (const f of fields) {
      out[f.name] = {
        type: output(f.type),
        args: Object.fromEntries(f.args.map((a) => [a.name, { type: a.type, defaultValue: a.defaultValue, deprecationReason: a.deprecationReason }])),
        deprecationReason: f.deprecationReason,
        ...(resolve ? { resolve: resolve[f.name] } : {}),
      };
    }
    return out;
  };
  const resolveType = (value: unknown) => (value as { __typename?: string } | null)?.__typename;

  function named(type: GraphQLNamedType): GraphQLNamedType {
    const known = built.get(type.name);
    if (known) return known;
    let out: GraphQLNamedType;
    if (isObjectType(type)) {
      const resolve = resolvers[type.name];
      out = new GraphQLObjectType({
        name: type.name,
        interfaces: () => type.getInterfaces().filter((i) => interfaceFields.has(i.name)).map((i) => named(i) as GraphQLInterfaceType),
        fields: () => fieldConfigs(Object.values(type.getFields()).filter((f) => f.name in resolve), resolve),
      });
    } else if (isInterfaceType(type)) {
      const keep = interfaceFields.get(type.name);
      if (!keep) throw new SandboxSchemaError(`A field returns ${type.name}, and no field of it is resolved by all its kept types`);
      out = new GraphQLInterfaceType({
        name: type.name,
        interfaces: () => type.getInterfaces().filter((i) => interfaceFields.has(i.name)).map((i) => named(i) as GraphQLInterfaceType),
        fields: () => fieldConfigs(Object.values(type.getFields()).filter((f) => keep.has(f.name))),
        resolveType,
      });
    } else if (isUnionType(type)) {
      out = new GraphQLUnionType({
        name: type.name,
        types: () => type.getTypes().filter((t) => objects.has(t.name)).map((t) => named(t) as GraphQLObjectType),
        resolveType,
      });
    } else {
      // Scalars, enums and input objects: GitHub's own, so arguments are checked as GitHub checks them.
      out = type;
    }
    built.set(type.name, out);
    return out;
  }

  const schema = new GraphQLSchema({
    query: named(github.getQueryType()!) as GraphQLObjectType,
    // Object types reachable only through an interface (e.g. a Blob as a GitObject).
    types: [...objects].map((name) => named(github.getType(name)!)),
  });
  const problems = validateSchema(schema);
  if (problems.length) throw new SandboxSchemaError(`The sandbox's GraphQL schema is not valid: ${problems.map((p) => p.message).join("; ")}`);
  return schema;
}

/** A resolver for a type or field GitHub lacks is a sandbox bug: fail at start-up, not per query. */
function checkAgainstGitHub(github: GraphQLSchema, resolvers: ResolverMap): void {
  const problems: string[] = [];
  for (const [typeName, fields] of Object.entries(resolvers)) {
    const type = github.getType(typeName);
    if (!isObjectType(type)) {
      problems.push(`GitHub's schema has no object type ${typeName}`);
      continue;
    }
    for (const field of Object.keys(fields)) if (!type.getFields()[field]) problems.push(`GitHub's ${typeName} has no field ${field}`);
  }
  if (problems.length) throw new SandboxSchemaError(problems.join("; "));
}

/** The object types a query can reach from `Query` through resolved fields; each must be resolved. */
function reachableObjects(github: GraphQLSchema, resolvers: ResolverMap): Set<string> {
  const seen = new Set<string>();
  const queue: Array<{ name: string; via: string }> = [{ name: github.getQueryType()!.name, via: "the root" }];
  while (queue.length) {
    const { name, via } = queue.shift()!;
    if (seen.has(name)) continue;
    const fields = resolvers[name];
    if (!fields) throw new SandboxSchemaError(`${via} returns ${name}, which the sandbox does not resolve`);
    seen.add(name);
    const type = github.getType(name) as GraphQLObjectType;
    for (const field of Object.keys(fields)) {
      const target = getNamedType(type.getFields()[field].type);
      const via = `${name}.${field}`;
      if (isObjectType(target)) queue.push({ name: target.name, via });
      else if (isInterfaceType(target) || isUnionType(target)) {
        const resolved = possibleResolved(github, target, resolvers);
        if (!resolved.length) throw new SandboxSchemaError(`${via} returns ${target.name}, and the sandbox resolves none of its types`);
        for (const t of resolved) queue.push({ name: t, via });
      }
    }
  }
  return seen;
}

function possibleResolved(github: GraphQLSchema, type: GraphQLAbstractType, resolvers: ResolverMap): string[] {
  return github
    .getPossibleTypes(type)
    .map((t) => t.name)
    .filter((t) => t in resolvers);
}

/** Each interface a kept object implements, with the fields all its kept implementations resolve. */
function keptInterfaceFields(github: GraphQLSchema, resolvers: ResolverMap, objects: Set<string>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const interfaces = new Set([...objects].flatMap((name) => (github.getType(name) as GraphQLObjectType).getInterfaces()));
  for (const iface of interfaces) {
    const implementations = github.getPossibleTypes(iface).filter((t) => objects.has(t.name));
    const fields = Object.keys(iface.getFields()).filter((f) => implementations.every((t) => f in resolvers[t.name]));
    // An interface none of whose fields the sandbox resolves everywhere is left out (GraphQL types need a field).
    if (fields.length) out.set(iface.name, new Set(fields));
  }
  return out;
}
