# syntax=docker/dockerfile:1
# Firebreak's production image: the compiled JavaScript on Node 20, run as a non-root user.
#
#   docker build -t firebreak:0.1.0 .
#   docker run -d --name firebreak -p 3000:3000 --env-file firebreak.env -v firebreak-data:/data \
#     -v "$PWD/firebreak.yaml:/app/firebreak.yaml:ro" --stop-timeout 60 firebreak:0.1.0
#
# Written and checked here, but never built: the machines this repository is developed on have no
# container daemon (README, Deploy).

# Both stages are Debian bookworm with the same Node 20, so the native addon of better-sqlite3 made in the
# first (a prebuilt binary when one matches, else compiled with the python3, make and g++ that the full
# image carries) loads in the second: same glibc, same Node ABI. Named "bookworm" rather than plain
# node:20 / node:20-slim, so that a Debian release moving under one tag cannot split the two.
FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts/bundle.mjs ./scripts/
COPY src ./src
# Bundle (dist/main.js, and dist/sandbox.js which production never opens), then drop the dev dependencies
# (esbuild, TypeScript, jest…): what is left is what production runs.
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
# production: a missing SLACK_BOT_TOKEN is a start-up error, never the local sandbox.
# The SQLite file (the default store, one process) lives on the /data volume; set DATABASE_URL to a
# postgres:// URL to run several replicas instead (the volume is then unused).
ENV NODE_ENV=production \
    DATABASE_URL=sqlite:/data/firebreak.db
WORKDIR /app
# Owned by root and read-only to the process: Firebreak writes only its database.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir /data && chown node:node /data
VOLUME ["/data"]
# The image's own "node" user, by number so that Kubernetes' runAsNonRoot can check it.
USER 1000:1000
# Firebreak's default PORT. The policy file is read from /app/firebreak.yaml when it is there (mount it),
# or from wherever FIREBREAK_CONFIG points.
EXPOSE 3000
# slim has no curl: ask with Node itself. /healthz is liveness (the process answers); /readyz would call the
# container unhealthy during a Slack outage, when it still accepts, stores and pages (README, /readyz).
# Docker and Compose use this; Kubernetes ignores it and uses the probes in deploy/kubernetes.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# On SIGTERM Firebreak stops accepting requests, finishes those in flight (up to 10 s) and the outbox jobs
# in hand (each Slack call up to 10 s), then exits: give it a minute (`docker run --stop-timeout 60`), not
# Docker's default 10 s. A kill is safe all the same: the outbox takes unfinished work back at the next start.
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js"]
