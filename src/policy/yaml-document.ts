/**
 * Reads the YAML text into one Document, refusing nesting deeper than any policy needs before
 * the recursive composer sees it. The YAML library composes nodes recursively: a file of a few
 * thousand `[` overflows the stack, and V8 can turn a stack overflow during regular-expression
 * compilation into a fatal out-of-memory abort that no try/catch survives. The library's parser
 * (text → CST) is iterative, so depth is measured there, before composing.
 */
import { Composer, Lexer, Parser, YAMLParseError, type CST, type Document, type LineCounter } from "yaml";

/** A policy is about five levels deep; this leaves room for any honest layout. */
export const MAX_NESTING_DEPTH = 64;

export type ReadResult = { ok: true; doc: Document } | { ok: false; tooDeepAt: number };

export function readYamlDocument(text: string, lines: LineCounter, options: ConstructorParameters<typeof Composer>[0]): ReadResult {
  const quick = quickNestingExceeds(text, MAX_NESTING_DEPTH);
  if (quick !== undefined) return { ok: false, tooDeepAt: quick };
  const tokens = Array.from(new Parser(lines.addNewLine).parse(text));
  const deep = cstNestingExceeds(tokens, MAX_NESTING_DEPTH);
  if (deep !== undefined) return { ok: false, tooDeepAt: deep };

  // As yaml's parseDocument does: the first document, and an error for any further one.
  const composer = new Composer(options);
  let doc: Document | undefined;
  for (const next of composer.compose(tokens, true, text.length)) {
    if (!doc) {
      doc = next as Document;
    } else {
      doc.errors.push(new YAMLParseError([next.range[0], next.range[1]], "MULTIPLE_DOCS", "Source contains multiple documents"));
      break;
    }
  }
  return { ok: true, doc: doc! };
}

/**
 * Fast rejection of the cheap ways to build a deep document: flow nesting (`[[[[…`) and compact
 * block nesting on one line (`- - - - …`). Counting characters in the raw text is only a hint
 * (quoted strings and block scalars may hold brackets and dashes), so when it points high, the
 * lexer, which knows what is content, decides. The CST check that follows is the real guard;
 * this one spares the parser's time on hostile input.
 */
function quickNestingExceeds(text: string, max: number): number | undefined {
  if (!looksDeep(text, max)) return undefined;
  let flow = 0;
  let compact = 0;
  let offset = 0;
  for (const token of new Lexer().lex(text)) {
    if (token === "[" || token === "{") {
      if (++flow > max) return offset;
    } else if ((token === "]" || token === "}") && flow > 0) {
      flow--;
    } else if (token === "-" || token === "?") {
      if (++compact > max) return offset;
    } else if (token.includes("\n") || !/^[ \t]*$/.test(token)) {
      // A compact run is "- - - " with only spaces between; anything else ends it.
      if (!(token.length === 1 && token.charCodeAt(0) < 0x20 && token !== "\t")) compact = 0;
    }
    // Single control characters are the lexer's own markers, not source text.
    if (!(token.length === 1 && token.charCodeAt(0) < 0x20 && token !== "\t" && token !== "\n" && token !== "\r")) offset += token.length;
  }
  return undefined;
}

/** Raw-text hint: more than `max` unclosed brackets, or a line with more than `max` "- " in a row. */
function looksDeep(text: string, max: number): boolean {
  let brackets = 0;
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      if (++brackets > max) return true;
    } else if ((c === 0x5d || c === 0x7d) && brackets > 0) {
      brackets--;
    }
    if ((c === 0x2d || c === 0x3f) && (text.charCodeAt(i + 1) === 0x20 || text.charCodeAt(i + 1) === 0x09)) {
      if (++run > max) return true;
    } else if (c !== 0x20 && c !== 0x09) {
      run = 0;
    }
  }
  return false;
}

/** Offset of the first CST node nested deeper than `max` collections, if any. Iterative. */
function cstNestingExceeds(tokens: CST.Token[], max: number): number | undefined {
  const stack: Array<[CST.Token | null | undefined, number]> = tokens.map((t) => [t, 0]);
  while (stack.length > 0) {
    const [token, depth] = stack.pop()!;
    if (!token) continue;
    if (token.type === "document") {
      stack.push([token.value, depth]);
    } else if (token.type === "block-map" || token.type === "block-seq" || token.type === "flow-collection") {
      if (depth + 1 > max) return token.offset;
      for (const item of token.items) {
        stack.push([item.key, depth + 1], [item.value, depth + 1]);
      }
    }
  }
  return undefined;
}
