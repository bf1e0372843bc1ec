/** Static Chinese pages and their assets (src/web), read once at start. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

const webDir = path.resolve(import.meta.dirname, '../../web');
const pdfjsDir = path.resolve(import.meta.dirname, '../../../node_modules/pdfjs-dist/build');
const types: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.png': 'image/png' };

function load(file: string, dir = webDir) {
  return { body: readFileSync(path.join(dir, file)), type: types[path.extname(file)] ?? 'application/octet-stream' };
}

export const pageRoutes: FastifyPluginAsyncZod = async (app) => {
  const pages: Record<string, string> = { '/verify': 'verify.html', '/w': 'portal.html', '/s/:token': 'sign.html' };
  for (const [url, file] of Object.entries(pages)) {
    const page = load(file);
    // The signing link is a credential: no caching, no referrer.
    app.get(url, { config: { access: ['public'] }, schema: { hide: true } }, async (_request, reply) =>
      reply.type(page.type).header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').send(page.body),
    );
  }
  const assets = new Map(['verify.js', 'sign.js', 'portal.js', 'site.css'].map((file) => [file, load(file)]));
  // pdf.js renders the contract on the worker's phone (pdfjs-dist, served from node_modules).
  const pdfjs = new Map(['pdf.min.mjs', 'pdf.worker.min.mjs'].map((file) => [file, load(file, pdfjsDir)]));
  app.get(
    '/assets/pdfjs/:file',
    { config: { access: ['public'] }, schema: { hide: true, params: z.object({ file: z.string() }) } },
    async (request, reply) => {
      const asset = pdfjs.get(request.params.file);
      if (!asset) return reply.callNotFound();
      return reply.type(asset.type).header('cache-control', 'public, max-age=86400').send(asset.body);
    },
  );
  app.get(
    '/assets/:file',
    { config: { access: ['public'] }, schema: { hide: true, params: z.object({ file: z.string() }) } },
    async (request, reply) => {
      const asset = assets.get(request.params.file);
      if (!asset) return reply.callNotFound();
      return reply.type(asset.type).header('cache-control', 'public, max-age=300').send(asset.body);
    },
  );
};
