import { Router } from 'express';
import type { AppDeps } from '../app.ts';

/** The auditors' read-only API (issue 4). */
export function auditRoutes(_deps: AppDeps): Router {
  return Router();
}
