/**
 * Every test file runs with the network off (vitest `setupFiles`): a request to any host but this
 * machine fails at once with nock's `NetConnectNotAllowedError`, so a test can only talk to a nock
 * mock or to a server it started itself (the sandbox GitHub, Redis, PostgreSQL, Chromium) — and a
 * mock of GitHub's API answers only under the schema check (./unchecked-mocks.ts).
 */
import nock from "nock";
import { guardUncheckedMocks } from "./unchecked-mocks.js";

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\]|::1)(:\d+)?$/i;

/** The only network a test may reach. Call it again after anything that changes nock's net-connect rule. */
export function loopbackOnly(): void {
  nock.disableNetConnect();
  nock.enableNetConnect((host: string) => LOOPBACK.test(host));
}

loopbackOnly();
guardUncheckedMocks();
