import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';
import { openApiDocument } from '../../schemas/openapi.ts';
import { docsPolicy } from './security-headers.ts';

// Swagger UI comes from its npm package and is served from here: no CDN.
const swaggerUiDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const initDir = fileURLToPath(new URL('./docs-assets', import.meta.url));
const swaggerFiles = new Set(['/swagger-ui.css', '/swagger-ui-bundle.js']);

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The page: Swagger UI's stylesheet and bundle and the init script, all from this origin, nothing inline. */
const page = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${escape(openApiDocument.info.title)} · API reference</title>
    <link rel="stylesheet" href="/docs/assets/swagger-ui.css" />
    <link rel="stylesheet" href="/docs/assets/docs.css" />
    <script src="/docs/assets/swagger-ui-bundle.js" defer></script>
    <script src="/docs/assets/docs-init.js" defer></script>
  </head>
  <body>
    <main id="swagger-ui"></main>
    <noscript><p>The interactive reference needs JavaScript; the document itself is <a href="/docs/openapi.json">/docs/openapi.json</a>.</p></noscript>
  </body>
</html>`;

/** The interactive API reference (Swagger UI) at /docs, and the OpenAPI document it renders. */
export function docsRoutes(): Router {
  const router = Router();
  const swaggerStatic = express.static(swaggerUiDir, { index: false, fallthrough: false });
  router.get('/docs', (_req, res) => {
    res.setHeader('Content-Security-Policy', docsPolicy);
    res.type('html').send(page);
  });
  router.use('/docs/assets', express.static(initDir, { index: false }));
  // Only the two files the page loads: the package holds more (an index.html with inline script).
  router.use('/docs/assets', (req, res, next) => (swaggerFiles.has(req.path) ? swaggerStatic(req, res, next) : next()));
  router.get('/docs/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });
  return router;
}
