// Starts Swagger UI on /docs. A file of its own, because the page's CSP allows no inline script.
'use strict';

window.addEventListener('DOMContentLoaded', () => {
  window.SwaggerUIBundle({
    url: '/docs/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    // Schemas shown expanded enough to read a request without clicking through every level.
    defaultModelExpandDepth: 3,
    defaultModelsExpandDepth: 1,
    docExpansion: 'list',
    // "Try it out" calls this gateway only; the CSP's connect-src allows nothing else.
    tryItOutEnabled: false,
    persistAuthorization: false,
  });
});
