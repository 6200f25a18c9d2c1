import { describe, expect, it } from "vitest";
import { connectionPage, nextRestPage, readCompleteList, type Page } from "../src/load/github/pager.js";
import { IncompleteDataError } from "../src/load/pull-request-data.js";

/** A numbered listing served from `pages` (1-based), recording which pages were read. */
function listing(pages: Array<Page<string, number>>) {
  const read: number[] = [];
  return {
    read,
    options: {
      what: "things",
      start: 1,
      maxPages: 5,
      key: (s: string) => s,
      read: async (page: number) => {
        read.push(page);
        return pages[page - 1] ?? { items: [], next: null };
      },
    },
  };
}

describe("the complete-list pager", () => {
  it("reads every page until the last and checks GitHub's total", async () => {
    const { read, options } = listing([
      { items: ["a", "b"], next: 2, total: 3 },
      { items: ["c"], next: null, total: 3 },
    ]);
    expect(await readCompleteList(options)).toEqual(["a", "b", "c"]);
    expect(read).toEqual([1, 2]);
  });

  it.each<[string, Array<Page<string, number>>, number | undefined, RegExp]>([
    ["a count below the total", [{ items: ["a"], next: null, total: 2 }], undefined, /listed 1 things, but it reports 2/],
    ["a count below the stated total", [{ items: ["a"], next: null }], 2, /listed 1 things, but it reports 2/],
    ["a total that changes between pages", [{ items: ["a"], next: 2, total: 2 }, { items: ["b"], next: null, total: 3 }], undefined, /changed the length/],
    ["a page that repeats", [{ items: ["a"], next: 2 }, { items: ["a"], next: null }], undefined, /listed a twice while paging the things: a page repeated/],
    ["a cursor that does not advance", [{ items: ["a"], next: 1 }], undefined, /did not advance after 1/],
    ["an empty page that claims a next one", [{ items: ["a"], next: 2 }, { items: [], next: 3 }], undefined, /did not advance after 1/],
    ["more pages than may be read", Array.from({ length: 6 }, (_, i) => ({ items: [`p${i}`], next: i + 2 })), undefined, /go on past 5 items \(5 pages\)/],
  ])("fails closed on %s", async (_name, pages, total, message) => {
    const { options } = listing(pages);
    const error = await readCompleteList({ ...options, total }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IncompleteDataError);
    expect((error as Error).message).toMatch(message);
  });

  it("takes a first page another request brought", async () => {
    const { read, options } = listing([{ items: [], next: null }, { items: ["b"], next: null }]);
    expect(await readCompleteList({ ...options, first: { items: ["a"], next: 2 } })).toEqual(["a", "b"]);
    expect(read).toEqual([2]);
  });

  it("REST: Link decides when present; otherwise a full page may have a successor", () => {
    expect(nextRestPage(1, '<https://api.github.com/x?page=2>; rel="next"', 1, 100)).toBe(2);
    expect(nextRestPage(2, '<https://api.github.com/x?page=1>; rel="prev"', 100, 100)).toBeNull();
    expect(nextRestPage(1, undefined, 100, 100)).toBe(2);
    expect(nextRestPage(1, undefined, 99, 100)).toBeNull();
  });

  it("GraphQL: hasNextPage without endCursor does not advance", () => {
    const connection = { totalCount: 2, pageInfo: { hasNextPage: true, endCursor: null }, nodes: [1] };
    expect(connectionPage(connection, "c1").next).toBe("c1");
    expect(connectionPage({ ...connection, pageInfo: { hasNextPage: false, endCursor: "c2" } }, "c1").next).toBeNull();
  });
});
