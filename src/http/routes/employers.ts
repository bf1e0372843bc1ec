import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { regionName } from '../../domain/reference/divisions.ts';
import { z } from 'zod';
import type { Platform } from '../../runtime.ts';
import { Problem } from '../../problem.ts';
import { principalOf } from '../plugins/auth.ts';
import { organisationView, uuidParam } from '../schemas.ts';

/** What the identity and employer routes call. */
export type EmployerRouteDeps = Pick<Platform, 'organisations'>;

export const employerRoutes =
  (deps: EmployerRouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/me',
      {
        config: { resource: 'identity' },
        schema: { tags: ['identity'], summary: 'The principal behind the API key', response: { 200: z.object({ kind: z.string() }).loose() } },
      },
      async (request) => {
        const principal = principalOf(request);
        // Consoles print the official's region by name (辖区 山西省运城市), not as a bare code.
        return principal.kind === 'official' ? { ...principal, regionName: regionName(principal.regionCode) ?? null } : principal;
      },
    );

    app.get(
      '/employers/:id',
      {
        config: { resource: 'organisation' },
        schema: { tags: ['employers'], summary: 'One organisation (employers: only their own; officials: within their region)', params: uuidParam, response: { 200: organisationView } },
      },
      async (request) => deps.organisations.readFor(principalOf(request), request.params.id),
    );

    app.put(
      '/employers/me/seal-image',
      {
        config: { resource: 'seal' },
        bodyLimit: 1024 * 1024,
        schema: {
          tags: ['employers'],
          summary: "Upload the organisation's seal image (PNG with transparency, or JPEG, ≤ 1 MiB); seals then show it instead of the generated round seal",
          consumes: ['image/png', 'image/jpeg'],
          response: { 200: z.object({ sha256: z.string(), size: z.number() }) },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        if (principal.kind !== 'employer') throw Problem.forbidden();
        const type = request.headers['content-type'] ?? '';
        if (!/^image\/(png|jpeg)\b/.test(type))
          throw new Problem(415, 'unsupported-media-type', 'Unsupported media type', 'Send the image as image/png or image/jpeg.', [
            { field: 'content-type', in: 'headers', rule: 'png_or_jpeg', message: 'must be image/png or image/jpeg', messageZh: '请上传 PNG 或 JPEG 图片' },
          ]);
        const image = request.body;
        if (!Buffer.isBuffer(image))
          throw Problem.badRequest([{ field: 'body', in: 'body', rule: 'png_or_jpeg', message: 'the body must be a PNG or JPEG image', messageZh: '请上传 PNG 或 JPEG 图片' }]);
        return deps.organisations.setSealImage(principal, image);
      },
    );
  };
