# syntax=docker/dockerfile:1
# Change Control: Probot app. Build: docker build -t change-control .
# Run:  docker run -p 3000:3000 --env-file prod.env change-control   (docs/operations.md)

# --- build: compile src/ to lib/ with the dev dependencies ---------------------------------------
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json ./
COPY src ./src
RUN npm run build

# --- runtime: production dependencies and lib/ only -----------------------------------------------
FROM node:22-bookworm-slim
# NODE_ENV=production: Probot refuses to start without APP_ID and a private key (no setup page).
# HOST: Probot listens on localhost unless told otherwise; the container must accept outside connections.
# LOG_FORMAT: `probot run` logs pretty-printed text unless LOG_FORMAT is set, whatever NODE_ENV says.
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 LOG_FORMAT=json
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/lib ./lib
# app.yml: the manifest Probot's setup page reads (setup is off when NODE_ENV=production).
# scripts/build-if-needed.mjs: `npm start` runs it as `prestart`; without src/ it builds nothing (kept for `npm start`).
COPY app.yml ./
COPY scripts/build-if-needed.mjs ./scripts/
# The default SQLite audit store lives in /app/data: owned by the app's user; mount a volume there to keep it.
RUN mkdir -p /app/data && chown node:node /app/data
VOLUME ["/app/data"]
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 3000}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The server entry directly (not through npm): SIGTERM reaches it, so a stopping container finishes or releases
# the evaluations in flight and closes the store (docs/operations.md, graceful shutdown).
STOPSIGNAL SIGTERM
CMD ["node", "lib/main.js"]
