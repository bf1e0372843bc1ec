import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../runtime.ts';
import { getOrganisationFor } from '../../services/organisations.ts';
import { Problem } from '../../problem.ts';
import { appendAudit } from '../../services/audit.ts';
import { principalOf } from '../plugins/auth.ts';
import { organisationView, uuidParam } from '../schemas.ts';

export const employerRoutes =
  (platform: Platform): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/me',
      {
        config: { resource: 'identity' },
        schema: { tags: ['identity'], summary: 'The principal behind the API key', response: { 200: z.object({ kind: z.string() }).loose() } },
      },
      async (request) => principalOf(request),
    );

    app.get(
      '/employers/:id',
      {
        config: { resource: 'organisation' },
        schema: { tags: ['employers'], summary: 'One organisation (employers: only their own; officials: within their region)', params: uuidParam, response: { 200: organisationView } },
      },
      async (request) => getOrganisationFor(platform.db, principalOf(request), request.params.id),
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
        const image = request.body as Buffer;
        const png = image[0] === 0x89 && image[1] === 0x50 && image[2] === 0x4e && image[3] === 0x47;
        const jpeg = image[0] === 0xff && image[1] === 0xd8;
        if (!Buffer.isBuffer(image) || (!png && !jpeg)) throw Problem.badRequest([{ field: 'body', in: 'body', rule: 'png_or_jpeg', message: 'the body must be a PNG or JPEG image' }]);
        const stored = await platform.archive.put(image, { contentType: png ? 'image/png' : 'image/jpeg' });
        await platform.db.$transaction(async (tx) => {
          await tx.organisation.update({ where: { id: principal.organisationId }, data: { sealImageKey: stored.key, sealImageSha256: stored.sha256 } });
          await appendAudit(tx, { chain: `organisation:${principal.organisationId}`, type: 'seal_image.uploaded', actor: { kind: 'employer', id: principal.principalId }, data: { sha256: stored.sha256, size: stored.size } });
        });
        return { sha256: stored.sha256, size: stored.size };
      },
    );
  };
