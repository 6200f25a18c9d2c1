/**
 * Just enough GraphQL to answer the app's queries: a parser for query documents (operations,
 * fragments, variables, aliases, inline fragments, @include/@skip) and an executor over plain
 * resolver objects. A field the schema does not know is an error, as on GitHub, so a query that
 * asks for something the sandbox does not model fails loudly instead of getting `undefined`.
 */

export type GqlValue = string | number | boolean | null | GqlValue[] | { [k: string]: GqlValue } | { $var: string };

export interface FieldNode {
  kind: "field";
  alias?: string;
  name: string;
  args: Record<string, GqlValue>;
  directives: Directive[];
  selections?: SelectionNode[];
}
interface InlineFragmentNode {
  kind: "inline";
  typeCondition?: string;
  directives: Directive[];
  selections: SelectionNode[];
}
interface SpreadNode {
  kind: "spread";
  name: string;
  directives: Directive[];
}
type SelectionNode = FieldNode | InlineFragmentNode | SpreadNode;
interface Directive {
  name: string;
  args: Record<string, GqlValue>;
}
interface OperationNode {
  type: "query" | "mutation" | "subscription";
  name?: string;
  variables: { name: string; defaultValue?: GqlValue }[];
  selections: SelectionNode[];
}
export interface ParsedDocument {
  operations: OperationNode[];
  fragments: Map<string, { typeCondition: string; selections: SelectionNode[] }>;
}

export class GraphqlSyntaxError extends Error {
  override readonly name = "GraphqlSyntaxError";
}

/** A resolver's "no such object": GitHub reports it as an error of type NOT_FOUND beside a null field. */
export class GraphqlNotFound extends Error {
  override readonly name = "GraphqlNotFound";
}

const PUNCT = new Set(["!", "$", "(", ")", ":", "=", "@", "[", "]", "{", "|", "}", "&"]);

type Token = { kind: "punct" | "name" | "number" | "string" | "spread" | "eof"; value: string };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i];
    if (ch === "#") {
      while (i < src.length && src[i] !== "\n") i++;
      continue;
    }
    if (/[\s,\uFEFF]/.test(ch)) {
      i++;
      continue;
    }
    if (src.startsWith("...", i)) {
      out.push({ kind: "spread", value: "..." });
      i += 3;
      continue;
    }
    if (PUNCT.has(ch)) {
      out.push({ kind: "punct", value: ch });
      i++;
      continue;
    }
    const name = /^[_A-Za-z][_0-9A-Za-z]*/.exec(src.slice(i, i + 256));
    if (name) {
      out.push({ kind: "name", value: name[0] });
      i += name[0].length;
      continue;
    }
    const num = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(src.slice(i, i + 64));
    if (num) {
      out.push({ kind: "number", value: num[0] });
      i += num[0].length;
      continue;
    }
    if (src.startsWith('"""', i)) {
      const end = src.indexOf('"""', i + 3);
      if (end < 0) throw new GraphqlSyntaxError("Unterminated block string");
      out.push({ kind: "string", value: src.slice(i + 3, end) });
      i = end + 3;
      continue;
    }
    if (ch === '"') {
      let j = i + 1;
      let s = "";
      while (j < src.length && src[j] !== '"') {
        if (src[j] === "\\") {
          s += JSON.parse(`"${src.slice(j, j + (src[j + 1] === "u" ? 6 : 2))}"`);
          j += src[j + 1] === "u" ? 6 : 2;
        } else s += src[j++];
      }
      if (j >= src.length) throw new GraphqlSyntaxError("Unterminated string");
      out.push({ kind: "string", value: s });
      i = j + 1;
      continue;
    }
    throw new GraphqlSyntaxError(`Unexpected character "${ch}"`);
  }
  out.push({ kind: "eof", value: "" });
  return out;
}

export function parseDocument(src: string): ParsedDocument {
  const toks = tokenize(src);
  let p = 0;
  const peek = () => toks[p];
  const next = () => toks[p++];
  const is = (kind: Token["kind"], value?: string) => peek().kind === kind && (value === undefined || peek().value === value);
  const expect = (kind: Token["kind"], value?: string): Token => {
    if (!is(kind, value)) throw new GraphqlSyntaxError(`Expected ${value ?? kind}, found "${peek().value || "<EOF>"}"`);
    return next();
  };

  const parseValue = (): GqlValue => {
    const t = peek();
    if (is("punct", "$")) {
      next();
      return { $var: expect("name").value };
    }
    if (is("punct", "[")) {
      next();
      const list: GqlValue[] = [];
      while (!is("punct", "]")) list.push(parseValue());
      next();
      return list;
    }
    if (is("punct", "{")) {
      next();
      const obj: Record<string, GqlValue> = {};
      while (!is("punct", "}")) {
        const k = expect("name").value;
        expect("punct", ":");
        obj[k] = parseValue();
      }
      next();
      return obj;
    }
    next();
    if (t.kind === "number") return Number(t.value);
    if (t.kind === "string") return t.value;
    if (t.kind === "name") {
      if (t.value === "true") return true;
      if (t.value === "false") return false;
      if (t.value === "null") return null;
      return t.value; // enum value
    }
    throw new GraphqlSyntaxError(`Unexpected "${t.value}"`);
  };
  const parseArgs = (): Record<string, GqlValue> => {
    const args: Record<string, GqlValue> = {};
    if (!is("punct", "(")) return args;
    next();
    while (!is("punct", ")")) {
      const k = expect("name").value;
      expect("punct", ":");
      args[k] = parseValue();
    }
    next();
    return args;
  };
  const parseDirectives = (): Directive[] => {
    const ds: Directive[] = [];
    while (is("punct", "@")) {
      next();
      ds.push({ name: expect("name").value, args: parseArgs() });
    }
    return ds;
  };
  const parseType = (): void => {
    if (is("punct", "[")) {
      next();
      parseType();
      expect("punct", "]");
    } else expect("name");
    if (is("punct", "!")) next();
  };
  const parseSelections = (): SelectionNode[] => {
    expect("punct", "{");
    const sel: SelectionNode[] = [];
    while (!is("punct", "}")) {
      if (is("spread")) {
        next();
        if (is("name", "on")) {
          next();
          const typeCondition = expect("name").value;
          const directives = parseDirectives();
          sel.push({ kind: "inline", typeCondition, directives, selections: parseSelections() });
        } else if (is("name")) {
          sel.push({ kind: "spread", name: next().value, directives: parseDirectives() });
        } else {
          const directives = parseDirectives();
          sel.push({ kind: "inline", directives, selections: parseSelections() });
        }
        continue;
      }
      let name = expect("name").value;
      let alias: string | undefined;
      if (is("punct", ":")) {
        next();
        alias = name;
        name = expect("name").value;
      }
      const args = parseArgs();
      const directives = parseDirectives();
      const selections = is("punct", "{") ? parseSelections() : undefined;
      sel.push({ kind: "field", alias, name, args, directives, selections });
    }
    next();
    return sel;
  };

  const doc: ParsedDocument = { operations: [], fragments: new Map() };
  while (!is("eof")) {
    if (is("punct", "{")) {
      doc.operations.push({ type: "query", variables: [], selections: parseSelections() });
      continue;
    }
    const kw = expect("name").value;
    if (kw === "fragment") {
      const name = expect("name").value;
      expect("name", "on");
      const typeCondition = expect("name").value;
      parseDirectives();
      doc.fragments.set(name, { typeCondition, selections: parseSelections() });
      continue;
    }
    if (kw !== "query" && kw !== "mutation" && kw !== "subscription") throw new GraphqlSyntaxError(`Unexpected "${kw}"`);
    const op: OperationNode = { type: kw, variables: [], selections: [] };
    if (is("name")) op.name = next().value;
    if (is("punct", "(")) {
      next();
      while (!is("punct", ")")) {
        expect("punct", "$");
        const name = expect("name").value;
        expect("punct", ":");
        parseType();
        let defaultValue: GqlValue | undefined;
        if (is("punct", "=")) {
          next();
          defaultValue = parseValue();
        }
        parseDirectives();
        op.variables.push({ name, defaultValue });
      }
      next();
    }
    parseDirectives();
    op.selections = parseSelections();
    doc.operations.push(op);
  }
  return doc;
}

/**
 * A resolver object: `__typename` plus fields. A field is a value, or a function of its
 * (variable-substituted) arguments returning a value. Nested objects are resolver objects too.
 */
export interface GqlObject {
  __typename: string;
  [field: string]: unknown;
}

export interface GqlError {
  message: string;
  path?: (string | number)[];
  type?: string;
}

export interface ExecuteResult {
  data: Record<string, unknown> | null;
  errors?: GqlError[];
  operationName?: string;
}

export function execute(
  doc: ParsedDocument,
  root: GqlObject,
  variables: Record<string, unknown>,
  operationName?: string,
): ExecuteResult {
  const ops = doc.operations;
  const op = operationName ? ops.find((o) => o.name === operationName) : ops.length === 1 ? ops[0] : undefined;
  if (!op) return { data: null, errors: [{ message: operationName ? `Unknown operation named "${operationName}".` : "An operation name is required" }] };
  if (op.type !== "query") return { data: null, errors: [{ message: `The sandbox does not support ${op.type} operations` }] };
  const vars: Record<string, unknown> = {};
  for (const v of op.variables) vars[v.name] = variables[v.name] ?? (v.defaultValue !== undefined ? subst(v.defaultValue, {}) : null);

  const errors: GqlError[] = [];
  const included = (ds: Directive[]) =>
    ds.every((d) => (d.name === "include" ? subst(d.args.if, vars) === true : d.name === "skip" ? subst(d.args.if, vars) !== true : true));

  const resolveObject = (obj: GqlObject, selections: SelectionNode[], path: (string | number)[], out: Record<string, unknown> = {}) => {
    for (const sel of selections) {
      if (!included(sel.directives)) continue;
      if (sel.kind === "inline") {
        if (!sel.typeCondition || typeMatches(obj, sel.typeCondition)) resolveObject(obj, sel.selections, path, out);
        continue;
      }
      if (sel.kind === "spread") {
        const frag = doc.fragments.get(sel.name);
        if (!frag) {
          errors.push({ message: `Fragment ${sel.name} was used, but not defined`, path });
          continue;
        }
        if (typeMatches(obj, frag.typeCondition)) resolveObject(obj, frag.selections, path, out);
        continue;
      }
      const key = sel.alias ?? sel.name;
      if (sel.name === "__typename") {
        out[key] = obj.__typename;
        continue;
      }
      if (!(sel.name in obj)) {
        errors.push({ message: `Field '${sel.name}' doesn't exist on type '${obj.__typename}'`, path: [...path, key], type: "undefinedField" });
        continue;
      }
      const raw = obj[sel.name];
      let value: unknown;
      try {
        value = typeof raw === "function" ? (raw as (a: Record<string, unknown>) => unknown)(substArgs(sel.args, vars)) : raw;
      } catch (e) {
        errors.push({ message: (e as Error).message, path: [...path, key], ...(e instanceof GraphqlNotFound ? { type: "NOT_FOUND" } : {}) });
        out[key] = null;
        continue;
      }
      out[key] = complete(value, sel, [...path, key]);
    }
    return out;
  };
  const complete = (value: unknown, sel: FieldNode, path: (string | number)[]): unknown => {
    if (value === undefined || value === null) return null;
    if (Array.isArray(value)) return value.map((v, i) => complete(v, sel, [...path, i]));
    if (typeof value === "object" && value !== null && "__typename" in value) {
      if (!sel.selections) {
        errors.push({ message: `Field must have selections (field '${sel.name}' returns ${(value as GqlObject).__typename})`, path });
        return null;
      }
      return resolveObject(value as GqlObject, sel.selections, path);
    }
    return value;
  };

  const data = resolveObject(root, op.selections, []);
  // GitHub rejects a whole query that selects unknown fields; other errors come back beside data.
  if (errors.some((e) => e.type === "undefinedField")) return { data: null, errors, operationName: op.name };
  return errors.length ? { data, errors, operationName: op.name } : { data, operationName: op.name };
}

function typeMatches(obj: GqlObject, typeCondition: string): boolean {
  if (obj.__typename === typeCondition) return true;
  const interfaces = (obj as { __interfaces?: string[] }).__interfaces;
  return Array.isArray(interfaces) && interfaces.includes(typeCondition);
}

function subst(v: GqlValue | undefined, vars: Record<string, unknown>): unknown {
  if (v === undefined) return undefined;
  if (v !== null && typeof v === "object" && !Array.isArray(v) && "$var" in v) return vars[(v as { $var: string }).$var] ?? null;
  if (Array.isArray(v)) return v.map((x) => subst(x, vars));
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, subst(x, vars)]));
  return v;
}

function substArgs(args: Record<string, GqlValue>, vars: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(args).map(([k, v]) => [k, subst(v, vars)]));
}

/** A Relay connection over a list, with `first/after/last/before` and index cursors. GitHub caps `first` at 100. */
export function connection<T>(items: T[], args: Record<string, unknown>, toNode: (item: T) => unknown, typename: string): GqlObject {
  const first = args.first as number | undefined;
  const last = args.last as number | undefined;
  for (const [k, n] of [["first", first], ["last", last]] as const) {
    if (n !== undefined && n !== null && (n < 0 || n > 100)) {
      throw new Error(`Requesting ${n} records on the \`${typename}\` connection exceeds the \`${k}\` limit of 100 records.`);
    }
  }
  if ((first === undefined || first === null) && (last === undefined || last === null)) {
    throw new Error(`You must provide a \`first\` or \`last\` value to properly paginate the \`${typename}\` connection.`);
  }
  const decode = (c: unknown) => (typeof c === "string" ? Number(Buffer.from(c, "base64").toString("utf8").replace(/^cursor:/, "")) : undefined);
  const encode = (i: number) => Buffer.from(`cursor:${i}`).toString("base64");
  let start = 0;
  let end = items.length;
  const after = decode(args.after);
  const before = decode(args.before);
  if (after !== undefined && !Number.isNaN(after)) start = after + 1;
  if (before !== undefined && !Number.isNaN(before)) end = Math.min(end, before);
  if (first !== undefined && first !== null) end = Math.min(end, start + first);
  if (last !== undefined && last !== null) start = Math.max(start, end - last);
  const slice = items.slice(start, end);
  const nodes = slice.map(toNode);
  return {
    __typename: typename,
    totalCount: items.length,
    nodes,
    edges: slice.map((_, i) => ({ __typename: `${typename}Edge`, cursor: encode(start + i), node: nodes[i] })),
    pageInfo: {
      __typename: "PageInfo",
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: slice.length ? encode(start) : null,
      endCursor: slice.length ? encode(end - 1) : null,
    },
  };
}
