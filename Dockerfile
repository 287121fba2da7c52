# billing-mcp over HTTP: Streamable HTTP at /mcp, SSE at /sse, /health; the database lives in the /data volume.
#   docker build -t billing-mcp .
#   docker run -d --name billing-mcp -p 3000:3000 -v billing-data:/data -e BILLING_MCP_AUTH_TOKEN=change-me billing-mcp
# It listens on 0.0.0.0 inside the container, so the server refuses to start without BILLING_MCP_AUTH_TOKEN.
# test/e2e/readme-configs.test.ts checks this file against README.md and runs its CMD and HEALTHCHECK.

FROM node:22-bookworm-slim AS builder
# better-sqlite3 compiles its native binding when no prebuilt binary can be downloaded.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
# node-gyp takes the headers of the image's own Node instead of downloading them.
ENV npm_config_nodedir=/usr/local
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build-cli.mjs ./scripts/
COPY src ./src
# npm run build: tsc for the library, then scripts/build-cli.mjs bundles the CLI into dist/cli.js.
RUN npm run build && npm prune --omit=dev

FROM node:22-bookworm-slim
ENV NODE_ENV=production \
    BILLING_MCP_DB=/data/billing.db \
    BILLING_MCP_TRANSPORT=http \
    BILLING_MCP_HOST=0.0.0.0 \
    BILLING_MCP_PORT=3000
WORKDIR /app
# dist/cli.js is the esbuild bundle; of node_modules it loads only better-sqlite3 (native, built above).
# Its chunks read ../package.json for the server's name and version.
COPY --from=builder /app/package.json ./package.json
COPY --from=builder /app/node_modules ./node_modules
COPY --from=builder /app/dist ./dist
# The volume takes this directory's owner when first created, so the unprivileged user can write the database.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.BILLING_MCP_PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/cli.js"]
