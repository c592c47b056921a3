# Concert reservation server image: compiled JavaScript, no TypeScript tooling at run time.
#   docker build -t concert-server .
#   docker compose up            (see docker-compose.yml for MySQL, Redis and Kafka)
# Migrations are a separate one-shot (`node dist/server/db/migrate-cli.js`: the compose "migrate"
# service, an initContainer in deploy/k8s), so the server is PID 1's only command.

# --- build: all dependencies, compile server and CLI to dist/ ---------------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
# (.npmr[c]: copies .npmrc when the repo has one, without failing when it has none)
COPY package.json package-lock.json .npmr[c] ./
# --ignore-scripts: "prepare" (the build) needs the sources, which are not copied yet
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build

# --- production dependencies only ---------------------------------------------------------------
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json .npmr[c] ./
# patches/ (patch-package) are applied by hand: --ignore-scripts skips "prepare", which needs the sources
COPY patches ./patches
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npx patch-package --error-on-fail && npm cache clean --force

# --- backup job: the CLI plus the MariaDB client (`concert-admin db backup`; docker-compose "backup") --
FROM node:20-bookworm-slim AS backup
RUN apt-get update && apt-get install -y --no-install-recommends mariadb-client && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
COPY --chown=node:node cli/bin.mjs ./cli/bin.mjs
USER node
ENTRYPOINT ["node", "cli/bin.mjs"]
CMD ["db", "backup", "--out", "/backups"]

# --- runtime (the default target: the server) ----------------------------------------------------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    APP_ENV=production \
    PORT=8080
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
COPY --chown=node:node cli/bin.mjs ./cli/bin.mjs
# the image's own unprivileged user (uid 1000), never root
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node itself is PID 1's command (no npm, no sh): SIGTERM reaches the server, which drains and exits.
CMD ["node", "dist/server/main.js"]
