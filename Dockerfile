# The production image: the exact steps test/e2e/production-build.test.ts runs in a clean copy
# (npm ci, npm run build, npm prune --omit=dev, node dist/…). See README "Going to production".
# One image, three commands: the bot (default), the validation service
# (node dist/src/radius/main.js) and the campaign runner
# (node --max-old-space-size=512 dist/src/campaign/run-campaign.js: README, reminders, memory).

FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source when its prebuilt binary cannot be fetched.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    DATA_DIR=/data \
    HOST=0.0.0.0 \
    PORT=3978
WORKDIR /app
# Owned by root and read-only to the service: only /data is writable.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/cards ./cards
COPY --from=build /app/knowledge ./knowledge
COPY --from=build /app/campaigns ./campaigns
RUN mkdir -p /data && chown node:node /data && chmod 0700 /data
USER node
VOLUME ["/data"]
EXPOSE 3978 1812/udp
# /healthz is the bot's; run the validation service with its own probe (README) or --no-healthcheck.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3978) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM finishes the requests in flight within SHUTDOWN_GRACE_SECONDS (8): under docker stop's 10 s.
CMD ["node", "dist/src/main.js"]
