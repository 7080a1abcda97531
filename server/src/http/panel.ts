/**
 * The panel bundle (ui/dist, built by `npm run build`) at /ui/: hashed assets cached for good,
 * index.html and the stable embed entry revalidated, all compressed, and a strict
 * Content-Security-Policy on the page (the panel only talks to this origin's /api).
 */
import { serveStatic } from '@hono/node-server/serve-static';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Hono } from 'hono';
import { compress } from 'hono/compress';
import { packageRoot } from '../shared/paths.js';

export const panelDist = join(packageRoot, 'ui', 'dist');

export function panelBuilt(): boolean {
  return existsSync(join(panelDist, 'index.html'));
}

const pageCsp = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'self'",
].join('; ');

export function panelRoutes(): Hono {
  const app = new Hono();
  app.get('/ui', (c) => c.redirect('/ui/', 301));
  app.use('/ui/*', compress());
  app.use('/ui/*', async (c, next) => {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    const immutable = c.req.path.startsWith('/ui/assets/');
    c.header('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    if (c.res.headers.get('content-type')?.startsWith('text/html')) c.header('Content-Security-Policy', pageCsp);
  });
  app.use('/ui/*', serveStatic({ root: panelDist, rewriteRequestPath: (path) => path.replace(/^\/ui/, '') }));
  return app;
}
