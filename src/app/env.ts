/**
 * Start-up checks. A webhook secret is what stops anyone on the internet from posting forged
 * `pull_request_review` events that would count as approvals; Probot silently falls back to the
 * well-known value "development" when none is set, so the app refuses to start instead.
 */
export const PROBOT_DEVELOPMENT_SECRET = "development";

export class StartupError extends Error {
  override readonly name = "StartupError";
}

export function assertWebhookSecret(env: NodeJS.ProcessEnv = process.env): void {
  const secret = env.WEBHOOK_SECRET;
  if (secret === undefined || secret.trim() === "") {
    throw new StartupError(
      "Provenance Gate refuses to start: WEBHOOK_SECRET is not set. Set it to the webhook secret of your GitHub App " +
        "(the setup wizard writes it to .env), so forged webhooks cannot approve changes.",
    );
  }
  if (secret === PROBOT_DEVELOPMENT_SECRET) {
    throw new StartupError(
      `Provenance Gate refuses to start: WEBHOOK_SECRET is Probot's public development default "${PROBOT_DEVELOPMENT_SECRET}". ` +
        "Generate a random secret, set it on the GitHub App and in WEBHOOK_SECRET.",
    );
  }
}
