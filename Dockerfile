# One image for the gateway and the adapters; docker-compose.yml chooses the entry point.
# The build stage compiles the TypeScript to dist/ (npm run build); the image runs that on
# Node.js alone, with production dependencies only.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY deploy/build.mjs ./deploy/build.mjs
COPY schemas ./schemas
COPY routing ./routing
COPY gateway ./gateway
COPY adapters ./adapters
RUN npm run build

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
# glibc's mmap threshold held at 128 KiB: see gateway/platform/malloc-tuning.ts.
ENV MALLOC_MMAP_THRESHOLD_=131072
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY --from=build /app/dist ./dist
USER node
EXPOSE 8080
# The operator commands: docker compose exec gateway node dist/gateway/cli.js --help
CMD ["node", "dist/gateway/main.js"]
