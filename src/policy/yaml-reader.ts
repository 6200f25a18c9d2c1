/**
 * A thin, position-aware view of a parsed YAML document for the validator. It resolves aliases
 * under a budget (a "billion laughs" file must cost as little to reject as to read), turns node
 * offsets into 1-based line:column, and describes nodes in words for error messages.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Alias, type Document, type LineCounter, type Node, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from "yaml";
import type { ErrorSink, Position } from "./errors.js";

/** Alias expansions allowed per file; a policy has no honest use for more. */
export const MAX_ALIAS_EXPANSIONS = 100;
/** Nodes that alias expansions may add to the walk, in total. */
export const MAX_EXPANDED_NODES = 10_000;

export type YNode = Scalar | YAMLMap | YAMLSeq;

export interface Entry {
  /** The key as a string (YAML allows `1:` or `true:`; JavaScript objects see "1" / "true"). */
  key: string;
  keyNode: Node;
  /** The resolved value, or undefined when it could not be resolved (error already reported). */
  value: YNode | undefined;
  pair: Pair;
}

export class YamlReader {
  private expandedNodes = 0;
  private bombReported = false;
  private readonly tagged = new WeakSet<object>();
  /** Alias → the node it names, found in document order (Alias.resolve re-walks the document per call). */
  private readonly aliasTargets = new Map<Alias, unknown>();

  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
    readonly sink: ErrorSink,
  ) {}

  /** 1-based line:column of a node's first character. */
  at(node: unknown, fallback?: Position): Position {
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (!range) return fallback ?? { line: 1, column: 1 };
    const { line, col } = this.lines.linePos(range[0]);
    return { line: Math.max(1, line), column: Math.max(1, col) };
  }

  error(node: unknown, message: string, hint?: string, fallback?: Position): void {
    if (this.sink.full) this.sink.drop();
    else this.sink.add(this.at(node, fallback), message, hint);
  }

  /** True for a node already reported for a foreign YAML tag, so its value is not reported again. */
  isTagged(node: object): boolean {
    return this.tagged.has(node);
  }

  /**
   * One pass over the whole document, before validation, in document order: anchors and the
   * aliases that use them, duplicate keys (compared as JavaScript sees them, so `1` and `"1"`
   * collide) in every mapping, including ones the validator never walks, and foreign tags.
   * Then the alias budget: expansion sizes are memoised per anchored node, so measuring a
   * "billion laughs" costs as much as reading it, not expanding it.
   * Returns false when the document is an alias bomb (reported; nothing else is worth walking).
   */
  scan(text: string): boolean {
    const anchors = new Map<string, unknown>();
    const aliases: Alias[] = [];
    const stack: unknown[] = [this.doc.contents];
    while (stack.length > 0) {
      const node = stack.pop();
      if (isAlias(node)) {
        this.aliasTargets.set(node, anchors.get(node.source));
        aliases.push(node);
        continue;
      }
      if (!isScalar(node) && !isMap(node) && !isSeq(node)) continue;
      if (node.anchor) anchors.set(node.anchor, node);
      if (node.tag && !node.tag.startsWith("tag:yaml.org,2002:")) this.reportTag(node, text);
      if (isMap(node)) {
        this.checkDuplicateKeys(node);
        for (let i = node.items.length - 1; i >= 0; i--) stack.push(node.items[i].value, node.items[i].key);
      } else if (isSeq(node)) {
        for (let i = node.items.length - 1; i >= 0; i--) stack.push(node.items[i]);
      }
    }
    if (aliases.length === 0) return true;

    const sizes = new Map<object, number>();
    const inProgress = new Set<object>();
    const size = (node: unknown): number => {
      if (isAlias(node)) {
        const target = this.aliasTargets.get(node);
        return target === undefined ? 1 : size(target);
      }
      if (!isMap(node) && !isSeq(node)) return 1;
      const known = sizes.get(node);
      if (known !== undefined) return known;
      // An anchor that contains an alias to itself expands forever.
      if (inProgress.has(node)) return Infinity;
      inProgress.add(node);
      let total = 1;
      for (const item of node.items) {
        total += isPair(item) ? size(item.key) + size(item.value) : size(item);
        if (total > MAX_EXPANDED_NODES) break;
      }
      inProgress.delete(node);
      sizes.set(node, total);
      return total;
    };
    let added = 0;
    for (const [i, alias] of aliases.entries()) {
      added += size(alias);
      if (i + 1 > MAX_ALIAS_EXPANSIONS || added > MAX_EXPANDED_NODES) {
        this.reportBomb(alias);
        return false;
      }
    }
    return true;
  }

  private checkDuplicateKeys(map: YAMLMap): void {
    if (map.items.length < 2) return;
    const first = new Map<string, unknown>();
    for (const pair of map.items) {
      if (!isScalar(pair.key)) continue;
      const key = String(pair.key.value ?? "");
      const earlier = first.get(key);
      if (earlier === undefined) {
        first.set(key, pair.key);
        continue;
      }
      // A hostile file may hold thousands; once errors are only counted, skip building messages.
      if (this.sink.full) this.sink.drop();
      else this.error(pair.key, `duplicate key ${JSON.stringify(key)} (already defined on line ${this.at(earlier).line})`, "each key may appear once in a mapping; merge the two or remove one");
    }
  }

  /**
   * A policy is plain YAML; a custom tag is almost always an unquoted `!pattern` that YAML read
   * as a tag (`- !data/README.md` is a tagged empty string, not an exclusion).
   */
  private reportTag(node: Scalar | YAMLMap | YAMLSeq, text: string): void {
    const tag = node.tag!;
    this.tagged.add(node);
    // The node's range starts after its tag; find the tag as written, just before it.
    const start = node.range?.[0] ?? 0;
    const written = text.lastIndexOf(tag, start);
    const at = this.at({ range: [written >= 0 ? written : start] });
    if (isScalar(node) && (node.value === "" || node.value === null)) {
      this.sink.add(at, `${tag} was read as a YAML tag, not as text`, `a leading "!" needs quotes: "${tag}"`);
    } else {
      this.sink.add(at, `unknown YAML tag ${tag}`, "remove the tag; a policy uses plain YAML values");
    }
  }

  private reportBomb(node: unknown): void {
    this.bombReported = true;
    this.error(
      node,
      `too many alias expansions (limit ${MAX_ALIAS_EXPANSIONS} aliases, ${MAX_EXPANDED_NODES} expanded values): this looks like a YAML alias bomb`,
      "write the values out instead of nesting aliases",
    );
  }

  /** Follows an alias (within budget); plain nodes pass through. */
  resolve(node: unknown): YNode | undefined {
    if (node === null || node === undefined) return undefined;
    if (!isAlias(node)) return isScalar(node) || isMap(node) || isSeq(node) ? node : undefined;
    if (this.bombReported) return undefined;
    const target = this.aliasTargets.has(node) ? this.aliasTargets.get(node) : node.resolve(this.doc);
    if (!target) {
      this.error(node, `alias *${node.source} refers to no anchor &${node.source} defined before it`);
      return undefined;
    }
    // A safety net: scan() has already measured every expansion against the same limit.
    this.expandedNodes += countNodes(target, MAX_EXPANDED_NODES - this.expandedNodes + 1);
    if (this.expandedNodes > MAX_EXPANDED_NODES) {
      this.reportBomb(node);
      return undefined;
    }
    // An anchor may contain an alias to itself (`&a [*a]`); the budget above ends that walk.
    return isScalar(target) || isMap(target) || isSeq(target) ? target : undefined;
  }

  /** The pairs of a mapping, keys stringified; reports non-scalar keys. */
  entries(map: YAMLMap): Entry[] {
    const out: Entry[] = [];
    for (const pair of map.items) {
      const keyNode = this.resolve(pair.key);
      if (!keyNode || !isScalar(keyNode)) {
        this.error(pair.key ?? pair.value ?? map, "keys must be plain names, not lists or mappings", undefined, this.at(map));
        continue;
      }
      out.push({ key: String(keyNode.value ?? ""), keyNode: pair.key as Node, value: this.resolve(pair.value), pair });
    }
    return out;
  }

  items(seq: YAMLSeq): Array<{ node: unknown; value: YNode | undefined }> {
    return seq.items.map((node) => ({ node, value: this.resolve(node) }));
  }

  /** Where a value sits: the value itself, or its key when the value is empty (`key:`). */
  valueAt(entry: Entry): unknown {
    const v = entry.pair.value;
    // `key:` with nothing after it yields a null scalar at the end of the line; point at the key.
    const blank = isScalar(v) && v.value === null && !v.source;
    return v && (v as { range?: unknown }).range && !blank ? v : entry.keyNode;
  }
}

export function describe(node: YNode | undefined): string {
  if (node === undefined) return "nothing";
  if (isMap(node)) return "a mapping";
  if (isSeq(node)) return "a list";
  const v = node.value;
  if (v === null || v === undefined) return "nothing (an empty value)";
  if (typeof v === "string") return `the string ${JSON.stringify(truncate(v))}`;
  if (typeof v === "number" || typeof v === "bigint") return `the number ${String(v)}`;
  if (typeof v === "boolean") return `the boolean ${v}`;
  return `a ${typeof v}`;
}

function truncate(s: string): string {
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/** Counts nodes under `node`, stopping once `limit` is passed (the caller only needs to know that). */
function countNodes(node: unknown, limit: number): number {
  let count = 0;
  const stack: unknown[] = [node];
  while (stack.length > 0 && count <= limit) {
    const n = stack.pop();
    count++;
    if (isMap(n)) for (const p of n.items) stack.push(p.key, p.value);
    else if (isSeq(n)) for (const i of n.items) stack.push(i);
  }
  return count;
}
