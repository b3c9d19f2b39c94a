# marketbrief: the bot, run by Node 24 directly from its TypeScript sources (no build step).
FROM node:24-slim

ENV NODE_ENV=production \
    MALLOC_ARENA_MAX=1 \
    MALLOC_MMAP_THRESHOLD_=65536 \
    MALLOC_TRIM_THRESHOLD_=65536 \
    DATABASE_URL=sqlite:/data/marketbrief.db \
    HTTP_PORT=8080 \
    HTTP_HOST=127.0.0.1

WORKDIR /app
# Production dependencies only. The `node` dev dependency (which pins Node 24 for npm scripts) is
# left out: the image's own Node 24 runs src/main.ts.
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npx patch-package && npm cache clean --force

COPY bin ./bin
COPY src ./src
COPY commands ./commands
COPY prompts ./prompts
COPY locales ./locales
COPY assets ./assets

# SQLite lives on a volume owned by the unprivileged `node` user of the base image.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node

# GET /healthz answers 200 while connected to Discord with a reachable database, else 503.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.HTTP_PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# As `npm start` runs it (MALLOC_ARENA_MAX above; see README, How it works).
CMD ["node", "--max-semi-space-size=1", "src/main.ts"]
