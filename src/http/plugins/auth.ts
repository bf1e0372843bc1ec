/**
 * Authentication and the route-level access decision. Every route names the resource it serves
 * in `config.resource`; the hook resolves the bearer key to a principal and asks the access
 * table (src/domain/access.ts) whether that kind of reader has a grant for the resource,
 * refusing others with 401/403. Which record a reader reaches (own organisation, region, own
 * contract) is decided by the same table when the record is loaded (services/contract/access.ts).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { grantOf, needsApiKey, readersOf, type Resource } from '../../domain/access.ts';
import { readerKindOf } from '../../services/contract/access.ts';
import { scopedOfficial } from '../../services/official-access.ts';
import type { Organisations } from '../../services/organisations.ts';
import type { Principal, Principals } from '../../services/principals.ts';
import { Problem } from '../../problem.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the route serves, a row of the access table; portal and signing routes check their own credential. */
    resource?: Resource;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** The resource a route serves: API routes that forgot to name one are administration, never open. */
export function resourceOf(request: FastifyRequest): Resource {
  return request.routeOptions.config.resource ?? (request.url.startsWith('/api/') ? 'administration' : 'public');
}

/** Resolves a bearer key to its principal (undefined: unknown or revoked). */
export type Authenticator = Pick<Principals, 'authenticate'>;

export function registerAuth(app: FastifyInstance, principals: Authenticator): void {
  app.decorateRequest('principal', undefined);
  // preParsing, after the rate limiter's onRequest hook: requests that fail authentication count too.
  app.addHook('preParsing', async (request, _reply, payload) => {
    const resource = resourceOf(request);
    if (!needsApiKey(resource)) return payload;
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw Problem.unauthorized();
    const principal = await principals.authenticate(match[1]);
    if (!principal) throw Problem.unauthorized('The API key is unknown or revoked.');
    if (!grantOf(readerKindOf(principal), resource)) throw Problem.forbidden(`This route is for: ${readersOf(resource).join(', ')}.`);
    request.principal = principal;
    return payload;
  });
  // API answers are personal (contracts, PDFs, portal and government reads, evidence, signing
  // steps) or tied to a credential: no cache, shared or private, keeps them.
  app.addHook('onSend', async (request, reply) => {
    if (request.url.startsWith('/api/') && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });
}

/** The authenticated principal of a route that needs an API key (set by the hook). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw Problem.unauthorized();
  return request.principal;
}

/** The calling official, with the region in its canonical prefix form ('140800' → '1408'; one rule, in official-access.ts). */
export function officialOf(request: FastifyRequest) {
  const principal = principalOf(request);
  if (principal.kind !== 'official') throw Problem.forbidden('Only officials use the government API.');
  return scopedOfficial(principal);
}

/** The employer organisation behind an employer API key (403 for other principals). */
export function organisationOf(deps: { organisations: Pick<Organisations, 'ofPrincipal'> }, request: FastifyRequest) {
  return deps.organisations.ofPrincipal(principalOf(request));
}
