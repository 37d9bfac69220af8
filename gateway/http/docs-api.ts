import { Router } from 'express';
import { openApiDocument } from '../../schemas/openapi.ts';
import { cspAllowingStyles } from './security-headers.ts';

/** The page's only stylesheet, allowed by its hash in the page's CSP (http-security.ts). */
const docsStyle =
  'body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}td,th{padding:.3rem .6rem;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}pre{white-space:pre-wrap}';

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A self-contained page (no scripts, no CDN: the CSP allows neither) listing every operation. */
function renderDocs(): string {
  const rows = Object.entries(openApiDocument.paths).flatMap(([path, methods]) =>
    Object.entries(methods as Record<string, { summary: string; 'x-roles': string[] | string }>).map(
      ([method, op]) =>
        `<tr><td><code>${method.toUpperCase()}</code></td><td><code>${escape(path)}</code></td><td>${escape(op.summary)}</td><td>${escape(
          Array.isArray(op['x-roles']) ? op['x-roles'].join(', ') : op['x-roles'],
        )}</td></tr>`,
    ),
  );
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(openApiDocument.info.title)}</title>
<style>${docsStyle}</style></head>
<body><h1>${escape(openApiDocument.info.title)}</h1><pre>${escape(openApiDocument.info.description)}</pre>
<p>Machine-readable: <a href="/docs/openapi.json">/docs/openapi.json</a></p>
<table><thead><tr><th>Method</th><th>Path</th><th>What</th><th>Roles</th></tr></thead><tbody>${rows.join('')}</tbody></table></body></html>`;
}

export function docsRoutes(): Router {
  const router = Router();
  const page = renderDocs();
  const policy = cspAllowingStyles(docsStyle);
  router.get('/docs', (_req, res) => {
    res.setHeader('Content-Security-Policy', policy);
    res.type('html').send(page);
  });
  router.get('/docs/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });
  return router;
}
