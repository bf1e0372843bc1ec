/** Static Chinese pages and their assets (src/web), read once at start. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

const webDir = path.resolve(import.meta.dirname, '../../web');
const types: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.png': 'image/png' };

function load(file: string) {
  return { body: readFileSync(path.join(webDir, file)), type: types[path.extname(file)] ?? 'application/octet-stream' };
}

export const pageRoutes: FastifyPluginAsyncZod = async (app) => {
  const pages: Record<string, string> = { '/verify': 'verify.html' };
  for (const [url, file] of Object.entries(pages)) {
    const page = load(file);
    app.get(url, { config: { access: ['public'] }, schema: { hide: true } }, async (_request, reply) => reply.type(page.type).send(page.body));
  }
  const assets = new Map(['verify.js', 'site.css'].map((file) => [file, load(file)]));
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
