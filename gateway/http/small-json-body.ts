import express from 'express';

/** JSON bodies of everything but letters: small, and parsed only for JSON content types. */
export const smallJsonBody = express.json({ limit: '1mb', type: ['application/json', 'application/*+json'] });
