/**
 * The one pager every GitHub list goes through, REST and GraphQL alike. A list is read to its
 * end or not at all: a page that does not advance, a list longer than the pages we may read, a
 * repeated item or a count that does not match GitHub's own total all throw
 * `IncompleteDataError`, which ends in a `failure` check — never a silent stop that would judge
 * part of a pull request as if it were all of it.
 */
import { IncompleteDataError } from "../pull-request-data.js";

export const RETRY_REMEDY = "Click Re-evaluate on the check run, or push again.";
export const HEAD_MOVED_REMEDY = "The app evaluates the new head when GitHub delivers its push; if no result appears there, click Re-evaluate.";
export const SPLIT_REMEDY = "Split the pull request into smaller ones, then push again or click Re-evaluate.";

/** One page as the caller read it. */
export interface Page<T, C> {
  items: T[];
  /** Where the next page starts; null on the last page. */
  next: C | null;
  /** The length of the whole list, when GitHub states it. */
  total?: number;
}

export interface CompleteListOptions<T, C> {
  /** What is listed, for messages: "files of pull request #42". */
  what: string;
  /** Reads the page at `cursor`. */
  read: (cursor: C) => Promise<Page<T, C>>;
  /** The first page's cursor. */
  start: C;
  /** The first page, when another request already brought it (GraphQL connections). */
  first?: Page<T, C>;
  /** How many pages may be read; a list that needs more cannot be read completely. */
  maxPages: number;
  /** The length GitHub states elsewhere (e.g. `changed_files`); checked as `total` is. */
  total?: number;
  /** Identifies an item, so that one listed twice (a page served again) is caught. */
  key?: (item: T) => string;
  /** What the author can do when the list runs past `maxPages`. */
  tooLongRemedy?: string;
  /** `n` items in words, for the count message: "3 changed files of pull request #42". */
  counted?: (n: number) => string;
  /** What the author can do when the count does not match the total. */
  countRemedy?: string;
}

export async function readCompleteList<T, C>(options: CompleteListOptions<T, C>): Promise<T[]> {
  const { what, key } = options;
  const items: T[] = [];
  const keys = new Set<string>();
  const cursors = new Set<string>([JSON.stringify(options.start)]);
  let total = options.total;
  let page = options.first ?? (await options.read(options.start));
  for (let pages = 1; ; pages++) {
    if (page.total !== undefined) {
      if (total !== undefined && total !== page.total) {
        throw new IncompleteDataError(`GitHub changed the length of the ${what} while it was read (${total}, then ${page.total}).`, RETRY_REMEDY);
      }
      total = page.total;
    }
    for (const item of page.items) {
      if (key) {
        const k = key(item);
        if (keys.has(k)) throw new IncompleteDataError(`GitHub listed ${k} twice while paging the ${what}: a page repeated, so the list cannot be trusted.`, RETRY_REMEDY);
        keys.add(k);
      }
      items.push(item);
    }
    const of = total === undefined ? "" : ` of ${total}`;
    if (page.next === null) break;
    const cursor = JSON.stringify(page.next);
    if (page.items.length === 0 || cursors.has(cursor)) {
      throw new IncompleteDataError(`Paging through the ${what} did not advance after ${items.length}${of}.`, RETRY_REMEDY);
    }
    if (pages >= options.maxPages) {
      throw new IncompleteDataError(
        `The ${what} go on past ${items.length} items (${options.maxPages} pages), more than GitHub lets the app read.`,
        options.tooLongRemedy ?? SPLIT_REMEDY,
      );
    }
    cursors.add(cursor);
    page = await options.read(page.next);
  }
  if (total !== undefined && items.length !== total) {
    const counted = options.counted ?? ((n: number) => `${n} ${what}`);
    throw new IncompleteDataError(`GitHub listed ${counted(items.length)}, but it reports ${total}.`, options.countRemedy ?? RETRY_REMEDY);
  }
  return items;
}

/**
 * The next page number of a numbered REST listing. GitHub sends a `Link` header on every page of
 * a list that spans several; without one, a full page may still have a successor.
 */
export function nextRestPage(page: number, link: string | undefined, count: number, perPage: number): number | null {
  if (link !== undefined) return /rel="next"/.test(link) ? page + 1 : null;
  return count === perPage ? page + 1 : null;
}

/**
 * The cursor of the next page of a cursor-paged REST listing (`after`, `cursor`…), from the
 * `Link` header's `rel="next"` URL; null when there is no next page. A next page without a
 * cursor cannot be read, so it ends the list as incomplete rather than as its last page.
 */
export function nextRestCursor(link: string | undefined, name: string, what: string): string | null {
  const next = (link ?? "").split(",").find((part) => /;\s*rel="next"/.test(part));
  if (!next) return null;
  const url = /<([^>]+)>/.exec(next)?.[1];
  const cursor = url && URL.canParse(url, "https://api.github.com") ? new URL(url, "https://api.github.com").searchParams.get(name) : null;
  if (!cursor) throw new IncompleteDataError(`GitHub's link to the next page of the ${what} names no \`${name}\` cursor.`, RETRY_REMEDY);
  return cursor;
}

/** A GraphQL connection as the pager reads it; without `totalCount`, `hasNextPage` alone ends it. */
export interface Connection<N> {
  totalCount?: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: N[];
}

/**
 * A GraphQL connection as a page; its cursor is `endCursor`, and "" stands for the start. A next
 * page without a cursor cannot be read: it counts as a page that does not advance.
 */
export function connectionPage<N>(connection: Connection<N>, previous: string): Page<N, string> {
  const { hasNextPage, endCursor } = connection.pageInfo;
  return { items: connection.nodes, next: hasNextPage ? (endCursor ?? previous) : null, total: connection.totalCount };
}
