# syntax=docker/dockerfile:1
# Build: docker build -t collab-editor .
# Run:   docker run -p 1234:1234 -v collab-data:/data -e PUBLIC_URL=https://docs.example.org collab-editor

# --- build: every workspace's dev tools, then the server, its packages and the editor bundle
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY apps/sync-server/package.json apps/sync-server/
COPY apps/editor/package.json apps/editor/
COPY packages/persistence/package.json packages/persistence/
COPY packages/schema/package.json packages/schema/
COPY packages/test-services/package.json packages/test-services/
COPY tools/repo-checks/package.json tools/repo-checks/
COPY e2e/package.json e2e/
RUN npm ci --no-audit --no-fund
COPY . .
RUN TURBO_TELEMETRY_DISABLED=1 npx turbo run build --filter=@collab/sync-server... --filter=@collab/editor

# --- runtime: production dependencies of the server only, the built files, a non-root user
FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=1234 DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/apps/sync-server/package.json apps/sync-server/
COPY --from=build /app/apps/editor/package.json apps/editor/
COPY --from=build /app/packages/persistence/package.json packages/persistence/
COPY --from=build /app/packages/schema/package.json packages/schema/
COPY --from=build /app/packages/test-services/package.json packages/test-services/
COPY --from=build /app/tools/repo-checks/package.json tools/repo-checks/
COPY --from=build /app/e2e/package.json e2e/
RUN npm ci --omit=dev --workspace=@collab/sync-server --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/packages/persistence/dist packages/persistence/dist
COPY --from=build /app/packages/schema/dist packages/schema/dist
COPY --from=build /app/apps/sync-server/dist apps/sync-server/dist
COPY --from=build /app/apps/editor/dist apps/editor/dist
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 1234
HEALTHCHECK --interval=30s --timeout=3s \
  CMD node -e "fetch('http://127.0.0.1:' + process.env.PORT + '/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
# node is PID 1 here and handles SIGTERM itself: pending writes are finished before it exits.
CMD ["node", "apps/sync-server/dist/server.js"]
