/**
 * The pages stand on their own: a landing page and favicon, the pages' Chinese face as a WOFF2
 * subset (common characters cached, rare ones per page and never cached), and compressed
 * assets and JSON.
 */
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import t from 'tap';
import wawoff2 from 'wawoff2';
import fontkit from '@pdf-lib/fontkit';
import { createTestPlatform } from '../helpers/platform.ts';

const { app, platform } = await createTestPlatform(t);

const glyphFont = async (woff2: Uint8Array) => fontkit.create(Buffer.from(await wawoff2.decompress(woff2))) as unknown as { familyName: string; hasGlyphForCodePoint(cp: number): boolean };

t.test('the landing page links every entrance; the favicon is served', async (t) => {
  const landing = await app.inject('/');
  t.equal(landing.statusCode, 200);
  t.match(landing.headers['content-type'], /text\/html/);
  for (const href of ['/w', '/verify', '/e/batches', '/e', '/docs', '/gov']) t.match(landing.body, `href="${href}"`, `links ${href}`);
  t.match(landing.body, '电子劳动合同');
  for (const url of ['/favicon.ico', '/assets/favicon.svg']) {
    const icon = await app.inject(url);
    t.equal(icon.statusCode, 200, url);
    t.match(icon.headers['content-type'], /image\/svg\+xml/);
  }
});

t.test("the common face covers GB 2312 and the pages' text, as a WOFF2 file with a validator", async (t) => {
  const font = await app.inject('/assets/fonts/laborsign.woff2');
  t.equal(font.statusCode, 200);
  t.equal(font.headers['content-type'], 'font/woff2');
  t.equal(font.rawPayload.subarray(0, 4).toString('latin1'), 'wOF2');
  t.match(font.headers['cache-control'], /public/);
  const face = await glyphFont(font.rawPayload);
  t.equal(face.familyName, 'LaborSign Hei');
  for (const c of '签署劳动合同验证码：（）。A1鑫') t.ok(face.hasGlyphForCodePoint(c.codePointAt(0)!), `has ${c}`);
  t.notOk(face.hasGlyphForCodePoint(0x20021), 'Extension B is not in the common face');
  t.ok(font.rawPayload.length < 1_200_000, `${font.rawPayload.length} bytes, a fraction of the 4.6 MB face`);
  const again = await app.inject({ url: '/assets/fonts/laborsign.woff2', headers: { 'if-none-match': String(font.headers.etag) } });
  t.equal(again.statusCode, 304);
});

t.test('rare characters get glyphs from per-page subsets that no cache keeps', async (t) => {
  // 𠀡 (U+20021, Extension B) is in the Song face only; 㐀 (U+3400) is in neither face.
  const rare = await app.inject({ method: 'POST', url: '/assets/fonts/rare', payload: { text: '张𠀡明㐀' } });
  t.equal(rare.statusCode, 200);
  t.equal(rare.headers['cache-control'], 'no-store');
  const { faces, missing } = rare.json() as { faces: { family: string; woff2: string }[]; missing: string[] };
  t.same(missing, ['㐀']);
  t.same(
    faces.map((f) => f.family),
    ['LaborSign Song Extra'],
    'the common characters are not repeated',
  );
  const song = await glyphFont(Buffer.from(faces[0]!.woff2, 'base64'));
  t.ok(song.hasGlyphForCodePoint(0x20021), 'the subset maps U+20021 through its format 12 cmap');
  const none = await app.inject({ method: 'POST', url: '/assets/fonts/rare', payload: { text: '签署合同' } });
  t.same(none.json(), { faces: [], missing: [] });
  const tooLong = await app.inject({ method: 'POST', url: '/assets/fonts/rare', payload: { text: '字'.repeat(2001) } });
  t.equal(tooLong.statusCode, 400);
});

t.test('the rare glyphs have their own per-address limit, far below the global one', async (t) => {
  const limit = platform.config.RARE_GLYPHS_PER_MINUTE;
  t.ok(limit < platform.config.RATE_LIMIT_PER_MINUTE, `${limit} a minute`);
  const ask = (remoteAddress: string) => app.inject({ method: 'POST', url: '/assets/fonts/rare', remoteAddress, payload: { text: '签' } });
  for (let i = 0; i < limit; i++) t.equal((await ask('192.0.2.31')).statusCode, 200);
  const refused = await ask('192.0.2.31');
  t.equal(refused.statusCode, 429);
  t.match(refused.headers['content-type'], /application\/problem\+json/);
  t.match(refused.json(), { status: 429, errors: [{ rule: 'rate_limit', messageZh: '操作过于频繁，请稍后再试' }] });
  t.equal((await app.inject({ url: '/assets/site.css', remoteAddress: '192.0.2.31' })).statusCode, 200, 'the pages themselves are still served');
  t.equal((await ask('192.0.2.32')).statusCode, 200, 'another address is not affected');
});

t.test('static files are served precompressed, JSON compressed on the fly', async (t) => {
  for (const [encoding, decode] of [
    ['br', brotliDecompressSync],
    ['gzip', gunzipSync],
  ] as const) {
    const plain = await app.inject('/assets/pdfjs/pdf.worker.min.mjs');
    const packed = await app.inject({ url: '/assets/pdfjs/pdf.worker.min.mjs', headers: { 'accept-encoding': `${encoding}` } });
    t.equal(packed.headers['content-encoding'], encoding);
    t.equal(packed.headers.vary, 'accept-encoding');
    t.ok(packed.rawPayload.length < plain.rawPayload.length / 3, `pdf.js worker ${plain.rawPayload.length} → ${packed.rawPayload.length} bytes (${encoding})`);
    t.ok(decode(packed.rawPayload).equals(plain.rawPayload), 'decodes to the file');
  }
  // The first answers come at a fast brotli level; the full-strength encoding replaces it once made.
  const first = (await app.inject({ url: '/assets/pdfjs/pdf.min.mjs', headers: { 'accept-encoding': 'br' } })).rawPayload;
  let best = first;
  for (let i = 0; i < 600 && best.length >= first.length; i++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    best = (await app.inject({ url: '/assets/pdfjs/pdf.min.mjs', headers: { 'accept-encoding': 'br' } })).rawPayload;
  }
  t.ok(best.length < first.length, `pdf.js ${first.length} → ${best.length} bytes once the full-strength encoding is ready`);
  t.ok(brotliDecompressSync(best).equals(brotliDecompressSync(first)), 'both decode to the same file');
  const spec = await app.inject({ url: '/openapi.json', headers: { 'accept-encoding': 'br, gzip' } });
  t.equal(spec.headers['content-encoding'], 'br');
  t.ok(JSON.parse(brotliDecompressSync(spec.rawPayload).toString('utf8')).openapi, 'JSON compressed with brotli');
  const identity = await app.inject('/openapi.json');
  t.notOk(identity.headers['content-encoding'], 'a client that accepts no encoding gets plain JSON');
});
