# Provenance Gate, the GitHub App server. docs/install.md ("Run it in a container") explains the
# settings; test/production.test.ts runs exactly these steps (the RUN lines, the files copied,
# the command and the health check) on a clean clone. No Docker engine runs in this project's CI,
# so the image itself is not built there.

# ---- build: install everything, compile (npm ci runs `prepare`, which builds lib/), drop devDependencies
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund
RUN npm prune --omit=dev --no-audit --no-fund

# ---- runtime: the compiled app and its production dependencies, run as the unprivileged `node` user
FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./package.json
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/lib ./lib
USER node
EXPOSE 3000
# SIGTERM starts the drain: no new deliveries, in-flight evaluations finish (at most 25 s), exit 0.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "lib/server.js"]
