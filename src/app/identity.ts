/**
 * Who this app is: its numeric id (to recognise our own check runs among same-named ones) and its
 * bot login (to ignore events the app itself caused). Both are looked up once per process.
 */
import type { Probot } from "probot";

export class AppIdentity {
  #appId: Promise<number> | undefined;
  #botLogin: Promise<string> | undefined;

  constructor(
    private readonly app: Probot,
    configuredAppId?: number,
  ) {
    if (configuredAppId !== undefined) this.#appId = Promise.resolve(configuredAppId);
  }

  /** The app id, read from the app's own credentials (signing a JWT: no request). */
  appId(): Promise<number> {
    this.#appId ??= (async () => {
      const octokit = await this.app.auth();
      const auth = (await octokit.auth({ type: "app" })) as { appId?: number | string };
      const id = Number(auth.appId);
      if (!Number.isInteger(id) || id <= 0) throw new Error("Provenance Gate could not determine its GitHub App id (APP_ID).");
      return id;
    })();
    this.#appId.catch(() => (this.#appId = undefined));
    return this.#appId;
  }

  /** `<slug>[bot]`, the login GitHub shows as the sender of events the app causes. */
  botLogin(): Promise<string> {
    this.#botLogin ??= (async () => {
      const octokit = await this.app.auth();
      const { data } = await octokit.rest.apps.getAuthenticated();
      return `${data?.slug ?? ""}[bot]`;
    })();
    this.#botLogin.catch(() => (this.#botLogin = undefined));
    return this.#botLogin;
  }
}
