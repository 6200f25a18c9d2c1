/** Every test file runs with the network off (test/helpers/no-network.ts), this machine aside. */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, it } from "vitest";

it("a request to a host off this machine fails at once, without leaving it", async () => {
  await expect(fetch("https://api.github.com/zen")).rejects.toThrow();
  const cause = await fetch("https://example.com/").catch((error: Error) => error.cause ?? error);
  expect(String((cause as Error).message ?? cause)).toMatch(/Disallowed net connect|NetConnectNotAllowedError/);
});

it("a server on this machine is reached", async () => {
  const server = createServer((_req, res) => res.end("here"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = server.address() as AddressInfo;
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe("here");
    expect(await (await fetch(`http://localhost:${port}/`)).text()).toBe("here");
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
