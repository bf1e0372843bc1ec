/** Static Chinese pages and their assets (src/web), read once at start. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

const webDir = path.resolve(import.meta.dirname, '../../web');
// The vendored faces of the contract PDFs (templates/fonts).
const fontDirectory = path.resolve(import.meta.dirname, '../../../templates/fonts');
const pdfjsDir = path.resolve(import.meta.dirname, '../../../node_modules/pdfjs-dist/build');
const types: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.png': 'image/png', '.ttf': 'font/ttf' };

function load(file: string, dir = webDir) {
  return { body: readFileSync(path.join(dir, file)), type: types[path.extname(file)] ?? 'application/octet-stream' };
}

export const pageRoutes: FastifyPluginAsyncZod = async (app) => {
  const pages: Record<string, string> = { '/verify': 'verify.html', '/w': 'portal.html', '/s/:token': 'sign.html', '/gov': 'gov.html', '/e/batches': 'batch.html', '/e': 'console.html' };
  for (const [url, file] of Object.entries(pages)) {
    const page = load(file);
    // The signing link is a credential: no caching, no referrer.
    app.get(url, { config: { resource: 'public' }, schema: { hide: true } }, async (_request, reply) =>
      reply.type(page.type).header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').send(page.body),
    );
  }
  serveAssets(app, '/assets/:file', ['dom.js', 'verify.js', 'sign.js', 'portal.js', 'gov.js', 'batch.js', 'site.css', 'console.js', 'console-roster.js', 'console-seal.js', 'console.css'], webDir, 300);
  // The console's Chinese face, the one the contract PDFs use for headings: pages render the same without CJK system fonts.
  serveAssets(app, '/assets/fonts/:file', ['wqy-microhei.ttf'], fontDirectory, 86_400);
  // pdf.js renders the contract on the worker's phone (pdfjs-dist, served from node_modules).
  serveAssets(app, '/assets/pdfjs/:file', ['pdf.min.mjs', 'pdf.worker.min.mjs'], pdfjsDir, 86_400);
};

/** A fixed set of files read once at start, served under a route with a cache lifetime. */
function serveAssets(app: Parameters<FastifyPluginAsyncZod>[0], route: string, files: string[], dir: string, maxAgeSeconds: number) {
  const assets = new Map(files.map((file) => [file, load(file, dir)]));
  app.get(route, { config: { resource: 'public' }, schema: { hide: true, params: z.object({ file: z.string() }) } }, async (request, reply) => {
    const asset = assets.get(request.params.file);
    if (!asset) return reply.callNotFound();
    return reply.type(asset.type).header('cache-control', `public, max-age=${maxAgeSeconds}`).send(asset.body);
  });
}
