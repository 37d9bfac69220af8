import { pino, type Logger } from 'pino';

/**
 * Structured logs with every path that could carry personal data or secrets redacted. Handlers
 * log ids and codes only; the redaction is the safety net, not the plan.
 */
export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  'res.headers["set-cookie"]',
  'cpr',
  '*.cpr',
  'patient',
  '*.patient',
  'text',
  '*.text',
  'data',
  '*.data',
  'attachments',
  '*.attachments',
  'key',
  '*.key',
  'body',
  '*.body',
];

export function createLogger(level: string, name = 'postbud-gateway', destination?: NodeJS.WritableStream): Logger {
  const options = { name, level, redact: { paths: redactPaths, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
