/**
 * The app's fetch with deadlines (src/app/deadlines.ts) keeps what Octokit relies on fetch for:
 * redirects followed (a token never sent to another origin), compressed answers decoded, and a
 * body that breaks mid-way an error, not a short answer. Against a real server on loopback.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, test } from "vitest";
import { BrokenAnswerError, fetchWithDeadlines } from "../src/app/deadlines.js";

const servers: Server[] = [];

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; seen: IncomingMessage[] }> {
  const seen: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    seen.push(req);
    handler(req, res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const fetch = fetchWithDeadlines({ connectMs: 2_000, totalMs: 4_000 });

describe("the app's fetch with deadlines", () => {
  test("decodes a gzip answer, as fetch does", async () => {
    const { url, seen } = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
      res.end(gzipSync(JSON.stringify({ files: ["a"] })));
    });
    const response = await fetch(`${url}/repos/o/r`);
    expect(await response.json()).toEqual({ files: ["a"] });
    expect(seen[0].headers["accept-encoding"]).toBe("gzip, deflate");
  });

  test("follows a redirect on the same origin with the token, and turns a POST answered 303 into a GET", async () => {
    const { url, seen } = await serve((req, res) => {
      if (req.url === "/old") return void res.writeHead(303, { location: "/new" }).end();
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ method: req.method }));
    });
    const response = await fetch(`${url}/old`, { method: "POST", body: "{}", headers: { authorization: "token t", "content-type": "application/json" } });
    expect(await response.json()).toEqual({ method: "GET" });
    expect(response.url).toBe(`${url}/new`);
    expect(seen.map((r) => [r.method, r.headers.authorization])).toEqual([
      ["POST", "token t"],
      ["GET", "token t"],
    ]);
  });

  test("drops the token when a redirect leaves the origin", async () => {
    const other = await serve((_req, res) => void res.writeHead(200, { "content-type": "application/json" }).end("{}"));
    const { url } = await serve((_req, res) => void res.writeHead(307, { location: `${other.url}/moved` }).end());
    const response = await fetch(`${url}/repos/o/r`, { headers: { authorization: "token t" } });
    expect(response.status).toBe(200);
    expect(other.seen[0].headers.authorization).toBeUndefined();
  });

  test("an answer whose connection breaks mid-body is a broken answer, not a short one", async () => {
    const { url } = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
      res.write('{"files": [');
      setTimeout(() => res.destroy(), 20);
    });
    await expect(fetch(`${url}/repos/o/r`, { method: "POST", body: "{}" })).rejects.toBeInstanceOf(BrokenAnswerError);
  });
});
