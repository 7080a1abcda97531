# syntax=docker/dockerfile:1
# The Sync Studio sidecar on Node 24 (the current LTS). Build stage: install everything, compile
# TypeScript, then keep only production dependencies.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# patches/: fixes to dependencies applied by patch-package at install (see patches/README.md).
COPY patches ./patches
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
# The build compiles the tests' types too and builds the panel (ui/ → ui/dist, served at /ui/).
COPY server ./server
COPY test ./test
COPY bench ./bench
COPY ui ./ui
RUN npm run build && npm prune --omit=dev

# Runtime stage: slim Node 24, non-root user, only what the sidecar needs (no compiler, no tests).
FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    SYNC_STUDIO_DATA_DIR=/data
WORKDIR /app
RUN groupadd --system syncstudio && useradd --system --gid syncstudio --home-dir /app syncstudio \
    && mkdir -p /data && chown syncstudio:syncstudio /data
COPY --from=build --chown=syncstudio:syncstudio /app/package.json ./
COPY --from=build --chown=syncstudio:syncstudio /app/node_modules ./node_modules
COPY --from=build --chown=syncstudio:syncstudio /app/dist/server ./dist/server
COPY --from=build --chown=syncstudio:syncstudio /app/ui/dist ./ui/dist
COPY --from=build --chown=syncstudio:syncstudio /app/server/migrations ./server/migrations
COPY --from=build --chown=syncstudio:syncstudio /app/server/samples ./server/samples
USER syncstudio
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/readyz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "dist/server/src/cli/bin.js"]
CMD ["serve"]
