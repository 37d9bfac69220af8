# One image for the gateway and the adapters; docker-compose.yml chooses the entry point.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY schemas ./schemas
COPY routing ./routing
COPY gateway ./gateway
COPY adapters ./adapters
USER node
EXPOSE 8080
CMD ["node", "--import", "tsx", "gateway/main.ts"]
