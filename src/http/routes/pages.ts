/** Static Chinese pages and their assets (src/web), read once at start. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { WebFontsService } from '../../services/web-fonts.ts';

export const webDir = path.resolve(import.meta.dirname, '../../web');
// The vendored faces of the contract PDFs (templates/fonts).
const fontDirectory = path.resolve(import.meta.dirname, '../../../templates/fonts');
const pdfjsDir = path.resolve(import.meta.dirname, '../../../node_modules/pdfjs-dist/build');
const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ttf': 'font/ttf',
};
/** The pages' scripts, served under /assets. */
const pageScripts = ['dom.js', 'zh.js', 'glyphs.js', 'verify.js', 'sign.js', 'portal.js', 'gov.js', 'gov-overview.js', 'batch.js', 'console.js', 'console-roster.js', 'console-seal.js'];
/** The pages' own files, whose characters the common web font covers. */
export const webPageFiles = ['index.html', 'verify.html', 'portal.html', 'sign.html', 'gov.html', 'batch.html', 'console.html', ...pageScripts].map((file) => path.join(webDir, file));

export interface PageRouteDeps {
  webFonts: WebFontsService;
  /** Per client address: each request subsets font files, a cost the global limit alone lets a stranger multiply. */
  rareGlyphsPerMinute: number;
}

function load(file: string, dir = webDir) {
  return { body: readFileSync(path.join(dir, file)), type: types[path.extname(file)] ?? 'application/octet-stream' };
}

const rareFontsResponse = z.object({
  faces: z.array(z.object({ family: z.string(), woff2: z.string().describe('base64') })),
  missing: z.array(z.string()).describe('characters no vendored face has'),
});

export const pageRoutes =
  (deps: PageRouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    // Made (or read from its cache) as soon as the service listens, not at the first visitor's page.
    app.addHook('onListen', async () => {
      deps.webFonts.commonFont().catch((error: unknown) => app.log.error({ err: error }, "building the pages' font subset failed"));
    });
    const pages: Record<string, string> = {
      '/': 'index.html',
      '/verify': 'verify.html',
      '/w': 'portal.html',
      '/s/:token': 'sign.html',
      '/gov': 'gov.html',
      '/e/batches': 'batch.html',
      '/e': 'console.html',
    };
    for (const [url, file] of Object.entries(pages)) {
      const page = load(file);
      // The signing link is a credential: no caching, no referrer.
      app.get(url, { config: { resource: 'public' }, schema: { hide: true } }, async (_request, reply) =>
        reply.type(page.type).header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').send(page.body),
      );
    }
    serveAssets(app, '/assets/:file', [...pageScripts, 'site.css', 'console.css', 'favicon.svg'], webDir, 300);
    const favicon = load('favicon.svg');
    app.get('/favicon.ico', { config: { resource: 'public' }, schema: { hide: true } }, async (_request, reply) =>
      reply.type(favicon.type).header('cache-control', 'public, max-age=86400').send(favicon.body),
    );
    // The full Hei face (4.6 MB), kept for pages cached before the subset existed.
    serveAssets(app, '/assets/fonts/:file', ['wqy-microhei.ttf'], fontDirectory, 86_400);
    // The pages' common face: a WOFF2 subset of the Hei face (src/services/web-fonts.ts).
    app.get('/assets/fonts/laborsign.woff2', { config: { resource: 'public' }, schema: { hide: true } }, async (request, reply) => {
      const font = await deps.webFonts.commonFont();
      reply.header('etag', font.etag).header('cache-control', 'public, max-age=86400');
      if (request.headers['if-none-match'] === font.etag) return reply.code(304).send();
      return reply.type('font/woff2').send(Buffer.from(font.woff2));
    });
    // Glyphs of the characters a page shows that the common face lacks. The text (names) comes in
    // a POST body, so it is in no URL or log, and the answer is never stored by a cache.
    app.post(
      '/assets/fonts/rare',
      {
        config: { resource: 'public', rateLimit: { max: deps.rareGlyphsPerMinute, timeWindow: '1 minute' } },
        schema: { hide: true, body: z.object({ text: z.string().max(2000) }), response: { 200: rareFontsResponse } },
      },
      async (request, reply) => {
        const { faces, missing } = await deps.webFonts.rareFonts(request.body.text);
        reply.header('cache-control', 'no-store');
        return { faces: faces.map((face) => ({ family: face.family, woff2: Buffer.from(face.woff2).toString('base64') })), missing };
      },
    );
    // pdf.js renders the contract on the worker's phone (pdfjs-dist, served from node_modules).
    serveAssets(app, '/assets/pdfjs/:file', ['pdf.min.mjs', 'pdf.worker.min.mjs'], pdfjsDir, 86_400);
  };

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/**
 * A fixed set of files read once at start, served under a route with a cache lifetime. Text
 * files are compressed once (brotli or gzip, as the client accepts) rather than per request:
 * brotli at a fast level first, replaced by the full-strength encoding (pdf.js 12% smaller,
 * but seconds to make) once it is ready in the background.
 */
function serveAssets(app: Parameters<FastifyPluginAsyncZod>[0], route: string, files: string[], dir: string, maxAgeSeconds: number) {
  type Packed = { fast?: Promise<Buffer>; best?: Buffer; gzip?: Promise<Buffer> };
  const assets = new Map(files.map((file) => [file, { ...load(file, dir), packed: {} as Packed }]));
  app.get(route, { config: { resource: 'public' }, schema: { hide: true, params: z.object({ file: z.string() }) } }, async (request, reply) => {
    const asset = assets.get(request.params.file);
    if (!asset) return reply.callNotFound();
    reply.type(asset.type).header('cache-control', `public, max-age=${maxAgeSeconds}`).header('vary', 'accept-encoding');
    const accepted = String(request.headers['accept-encoding'] ?? '');
    if (!/^(text\/|image\/svg)/.test(asset.type)) return reply.send(asset.body);
    const packed = asset.packed;
    if (/\bbr\b/.test(accepted)) {
      if (!packed.fast) {
        const hint = { [constants.BROTLI_PARAM_SIZE_HINT]: asset.body.length };
        packed.fast = brotli(asset.body, { params: { [constants.BROTLI_PARAM_QUALITY]: 5, ...hint } });
        void brotli(asset.body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, ...hint } }).then(
          (best) => (packed.best = best),
          () => undefined,
        );
      }
      return reply.header('content-encoding', 'br').send(packed.best ?? (await packed.fast));
    }
    if (/\bgzip\b/.test(accepted)) {
      packed.gzip ??= gzipAsync(asset.body, { level: 9 });
      return reply.header('content-encoding', 'gzip').send(await packed.gzip);
    }
    return reply.send(asset.body);
  });
}
