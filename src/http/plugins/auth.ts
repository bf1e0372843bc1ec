/**
 * Authentication and the route-level access decision. Every route names the resource it serves
 * in `config.resource`; the hook resolves the bearer key to a principal and asks the access
 * table (src/domain/access.ts) whether that kind of reader has a grant for the resource,
 * refusing others with 401/403. Which record a reader reaches (own organisation, region, own
 * contract) is decided by the same table when the record is loaded (services/contract/access.ts).
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { grantOf, needsApiKey, readersOf, type Resource } from '../../domain/access.ts';
import { staffActOf, staffMay, type StaffAct } from '../../domain/staff-roles.ts';
import { readerKindOf } from '../../services/contract/access.ts';
import { scopedOfficial } from '../../services/official-access.ts';
import type { Organisations } from '../../services/organisations.ts';
import type { Principal, Principals } from '../../services/principals.ts';
import { Problem } from '../../problem.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the route serves, a row of the access table; portal and signing routes check their own credential. */
    resource?: Resource;
    /** An act kept to some console roles (src/domain/staff-roles.ts), e.g. sealing. */
    act?: StaffAct;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** The resource a route serves: API routes that forgot to name one are administration, never open. */
export function resourceOf(request: FastifyRequest): Resource {
  return request.routeOptions.config.resource ?? (request.url.startsWith('/api/') ? 'administration' : 'public');
}

/** Resolves a bearer key or a console session to its principal (undefined: unknown, revoked or ended). */
export type Authenticator = Pick<Principals, 'authenticate' | 'session'>;

/** The console's session cookie (set by routes/console-session.ts). */
export const consoleCookie = 'ls_console';
const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

function cookieOf(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=') || undefined;
  }
  return undefined;
}

const sameToken = (given: unknown, expected: string) => typeof given === 'string' && given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));

/**
 * The principal of a request: its bearer key, or else its console session cookie. A browser
 * sends the cookie by itself, so a session's state-changing requests must also carry the
 * session's CSRF token in X-CSRF-Token (the cookie is SameSite=Strict as well).
 */
async function principalOfRequest(request: FastifyRequest, principals: Authenticator): Promise<Principal> {
  const header = request.headers.authorization;
  const token = header ? undefined : cookieOf(request.headers.cookie, consoleCookie);
  if (!token) {
    const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    if (!match?.[1]) throw Problem.unauthorized(undefined, '请先登录或提供密钥');
    const principal = await principals.authenticate(match[1]);
    if (!principal) throw Problem.unauthorized('The API key is unknown or revoked.', '密钥无效或已被吊销');
    return principal;
  }
  const session = await principals.session(token);
  if (!session) throw Problem.unauthorized('The console session has ended: sign in again.', '登录已过期，请重新登录');
  if (!safeMethods.has(request.method) && !sameToken(request.headers['x-csrf-token'], session.csrfToken))
    throw Problem.forbidden('A console request that changes something must carry the session’s X-CSRF-Token.', '页面已过期，请刷新后重试');
  return session.principal;
}

export function registerAuth(app: FastifyInstance, principals: Authenticator): void {
  app.decorateRequest('principal', undefined);
  // preParsing, after the rate limiter's onRequest hook: requests that fail authentication count too.
  app.addHook('preParsing', async (request, _reply, payload) => {
    const resource = resourceOf(request);
    if (!needsApiKey(resource)) return payload;
    const principal = await principalOfRequest(request, principals);
    if (!grantOf(readerKindOf(principal), resource)) throw Problem.forbidden(`This route is for: ${readersOf(resource).join(', ')}.`, '当前身份不能使用此功能');
    request.principal = principal;
    const act = staffActOf(resource, request.method, request.routeOptions.config.act);
    if (act) requireStaffAct(request, act);
    return payload;
  });
  // API answers are personal (contracts, PDFs, portal and government reads, evidence, signing
  // steps) or tied to a credential: no cache, shared or private, keeps them.
  app.addHook('onSend', async (request, reply) => {
    if (request.url.startsWith('/api/') && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });
}

/** Refuses a console user whose role may not do `act` (an API key may do everything its grant allows). */
export function requireStaffAct(request: FastifyRequest, act: StaffAct): void {
  const staff = request.principal?.kind === 'employer' ? request.principal.staff : undefined;
  if (staff && !staffMay(staff.role, act)) throw Problem.forbidden(`Your console role (${staff.role}) may not do this (${act}).`, '您的账号角色无权进行此操作');
}

/** The authenticated principal of a route that needs an API key (set by the hook). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw Problem.unauthorized();
  return request.principal;
}

/** The calling official, with the region in its canonical prefix form ('140800' → '1408'; one rule, in official-access.ts). */
export function officialOf(request: FastifyRequest) {
  const principal = principalOf(request);
  if (principal.kind !== 'official') throw Problem.forbidden('Only officials use the government API.', '只有政府工作人员的密钥可以使用此功能');
  return scopedOfficial(principal);
}

/** The employer organisation behind an employer API key (403 for other principals). */
export function organisationOf(deps: { organisations: Pick<Organisations, 'ofPrincipal'> }, request: FastifyRequest) {
  return deps.organisations.ofPrincipal(principalOf(request));
}
