# The service image: `docker build -t mailcourier .`, or `docker compose up` with docker-compose.yml.

# Build stage: compiles TypeScript and the native better-sqlite3 addon, then drops dev dependencies.
FROM node:20-bookworm-slim AS build
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# No install-time analytics ping from @scarf/scarf (a dependency of swagger-ui-dist).
ENV SCARF_ANALYTICS=false
COPY package.json package-lock.json ./
# The lock file may lack other platforms' optional packages (msgpackr-extract for darwin/win32), which npm ci
# refuses; npm install then installs from the same lock.
RUN npm ci --no-audit --no-fund || npm install --no-audit --no-fund
COPY tsconfig.json nest-cli.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

# Run stage: only what runs, as the unprivileged `node` user.
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/app/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY templates ./templates
# DATA_DIR holds the outbox (without SMTP_URL), uploaded import files and, without APP_SECRET, the generated secret.
RUN mkdir -p /app/data && chown node:node /app/data
VOLUME /app/data
USER node
EXPOSE 3000
# node itself, not npm, is PID 1: it receives SIGTERM and closes in order (HTTP, running jobs, database).
CMD ["node", "--max-old-space-size=256", "dist/main"]
