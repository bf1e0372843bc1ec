/**
 * Authentication and coarse authorisation. Every /api route declares who may call it in
 * `config.access`; the hook resolves the bearer key to a principal and refuses others with
 * 401/403. Finer rules (own organisation, region) live in the services.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Db } from '../../db/client.ts';
import { authenticate, type Principal } from '../../services/principals.ts';
import { Problem } from '../../problem.ts';

export type AccessKind = Principal['kind'] | 'public';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Principal kinds allowed to call the route; 'public' needs no key. */
    access?: AccessKind[];
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}

export function registerAuth(app: FastifyInstance, db: Db): void {
  app.decorateRequest('principal', undefined);
  app.addHook('onRequest', async (request) => {
    // API routes that forgot to declare access are admin-only, never open.
    const access = request.routeOptions.config.access ?? (request.url.startsWith('/api/') ? ['admin'] : ['public']);
    if (access.includes('public')) return;
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw Problem.unauthorized();
    const principal = await authenticate(db, match[1]);
    if (!principal) throw Problem.unauthorized('The API key is unknown or revoked.');
    if (!access.includes(principal.kind)) throw Problem.forbidden(`This route is for: ${access.join(', ')}.`);
    request.principal = principal;
  });
}

/** The authenticated principal of a route that declared `access` (set by the hook). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw Problem.unauthorized();
  return request.principal;
}
