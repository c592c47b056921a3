# Concert reservation server image. The server runs TypeScript directly with tsx (package.json
# "start"); generated protobuf code is committed under gen/, so no buf/Maven step is needed here.
#   docker build -t concert-server .
#   docker compose up            (see docker-compose.yml for MySQL, Redis and Kafka)
FROM node:20-bookworm-slim

WORKDIR /app

# dependencies first, for layer caching
# (.npmr[c]: copies .npmrc when the repo has one, without failing when it has none)
COPY package.json package-lock.json .npmr[c] ./
# patches/ before npm ci: its postinstall applies them (patch-package)
COPY patches ./patches
RUN npm ci --no-audit --no-fund && npm cache clean --force

COPY . .

ENV APP_ENV=production \
    PORT=8080
EXPOSE 8080

# Schema migrations, then the server. `exec` makes npm PID 1; npm forwards SIGTERM to the server
# (graceful shutdown: stop accepting, drain, close pools).
CMD ["sh", "-c", "npm run db:migrate && exec npm start"]
