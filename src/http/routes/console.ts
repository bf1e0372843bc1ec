/**
 * What the employer's console (/e) needs beyond the contract API: signing staff in and out (a
 * session cookie, see plugins/auth.ts), naming console users, the contract list and one
 * contract's page. Every route also works with the employer's API key.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CONTRACT_STATES } from '../../domain/contract-lifecycle.ts';
import { staffRoles } from '../../domain/staff-roles.ts';
import type { ContractListing } from '../../services/contract/listing.ts';
import type { StaffAccounts } from '../../services/staff-accounts.ts';
import { text } from '../../support/text.ts';
import { consoleCookie, principalOf } from '../plugins/auth.ts';
import { uuidParam } from '../schemas.ts';

export interface ConsoleRouteDeps {
  staffAccounts: Pick<StaffAccounts, 'signIn' | 'signOut' | 'create' | 'list'>;
  contractListing: Pick<ContractListing, 'list' | 'detail'>;
}

const staffUser = z.object({ id: z.string(), username: z.string(), displayName: z.string(), role: z.enum(staffRoles), createdAt: z.date(), disabled: z.boolean() });
const day = z.iso.date().nullable();
const contractRow = z.object({
  id: z.string(),
  number: z.string(),
  status: z.string(),
  worker: z.string().describe('masked name'),
  templateId: z.string(),
  templateTitle: z.string(),
  startDate: day,
  endDate: day,
  createdAt: z.date(),
  updatedAt: z.date(),
});
const contractPage = z.object({
  id: z.string(),
  number: z.string(),
  status: z.string(),
  templateId: z.string(),
  templateVersion: z.string(),
  templateTitle: z.string(),
  employmentForm: z.string(),
  termType: z.string(),
  startDate: day,
  endDate: day,
  createdAt: z.date(),
  worker: z.object({ name: z.string(), phone: z.string().nullable() }).describe('masked'),
  documents: z.array(z.object({ kind: z.string(), sha256: z.string(), size: z.number(), createdAt: z.date() })),
  signatures: z.array(z.object({ role: z.string(), signedAt: z.date(), timestampAt: z.date().nullable() })),
  timeline: z.array(z.object({ seq: z.number(), type: z.string(), actorKind: z.string(), actor: z.string().nullable().describe('the console user who acted, by name'), at: z.date() })),
  allowedEvents: z.array(z.string()).describe('lifecycle events the contract’s state allows'),
});
const flag = z.enum(['true', 'false']).transform((v) => v === 'true');

export const consoleRoutes =
  (deps: ConsoleRouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const context = (request: { ip: string; headers: { 'user-agent'?: string | undefined } }) => ({ ip: request.ip, userAgent: request.headers['user-agent'] });

    app.post(
      '/console/session',
      {
        // Password guessing: ten tries a minute from one address (the portal login's figure).
        config: { resource: 'public', rateLimit: { max: 10, timeWindow: '1 minute' } },
        schema: {
          tags: ['console'],
          summary: 'Sign a console user in: sets the HttpOnly session cookie and answers the CSRF token its changes must carry (X-CSRF-Token)',
          body: z.strictObject({ username: text(64, { min: 1 }), password: z.string().min(1).max(200) }),
          response: { 200: z.object({ csrfToken: z.string(), expiresAt: z.date(), user: staffUser }) },
        },
      },
      async (request, reply) => {
        const { token, csrfToken, expiresAt, user } = await deps.staffAccounts.signIn(request.body, context(request));
        const secure = request.protocol === 'https' ? '; Secure' : '';
        reply.header('set-cookie', `${consoleCookie}=${token}; Path=/; HttpOnly; SameSite=Strict; Expires=${expiresAt.toUTCString()}${secure}`);
        return { csrfToken, expiresAt, user };
      },
    );

    app.delete(
      '/console/session',
      { config: { resource: 'identity' }, schema: { tags: ['console'], summary: 'Sign the console user out (ends the session)', response: { 204: z.null() } } },
      async (request, reply) => {
        await deps.staffAccounts.signOut(principalOf(request), context(request));
        reply.header('set-cookie', `${consoleCookie}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
        return reply.status(204).send(null);
      },
    );

    app.get('/staff', { config: { resource: 'staff' }, schema: { tags: ['console'], summary: 'Your console users', response: { 200: z.object({ items: z.array(staffUser) }) } } }, async (request) => ({
      items: await deps.staffAccounts.list(principalOf(request)),
    }));

    app.post(
      '/staff',
      {
        config: { resource: 'staff', act: 'staff' },
        schema: {
          tags: ['console'],
          summary: 'Name a console user with a role (hr_clerk, hr_manager who may seal, admin); by the API key or a console admin',
          body: z.strictObject({
            username: z.string().regex(/^[A-Za-z0-9._-]{3,64}$/, 'letters, digits, . _ - (3 to 64)'),
            displayName: text(40, { min: 1 }),
            role: z.enum(staffRoles),
            password: z.string().min(10, 'at least 10 characters').max(200),
          }),
          response: { 201: staffUser },
        },
      },
      async (request, reply) => reply.status(201).send(await deps.staffAccounts.create(principalOf(request), request.body, context(request))),
    );

    app.get(
      '/contracts',
      {
        config: { resource: 'contract.manage' },
        schema: {
          tags: ['contracts'],
          summary: 'Your contracts, newest first: filtered by status, template, awaiting signature, expiring within N days, part of the number; paged',
          querystring: z.object({
            status: z.enum(CONTRACT_STATES).optional(),
            templateId: text(64).optional(),
            awaitingSignature: flag.optional(),
            expiringWithinDays: z.coerce.number().int().min(0).max(3660).optional(),
            number: text(40).optional(),
            page: z.coerce.number().int().min(1).max(100_000).default(1),
            pageSize: z.coerce.number().int().min(1).max(100).default(20),
          }),
          response: { 200: z.object({ items: z.array(contractRow), total: z.number(), page: z.number(), pageSize: z.number() }) },
        },
      },
      async (request) => {
        const { page, pageSize, ...filter } = request.query;
        return deps.contractListing.list(principalOf(request), filter, { page, pageSize });
      },
    );

    app.get(
      '/contracts/:id/overview',
      {
        config: { resource: 'contract.manage' },
        schema: { tags: ['contracts'], summary: 'One contract for the console: masked worker, documents, signatures, timeline, allowed events', params: uuidParam, response: { 200: contractPage } },
      },
      async (request) => deps.contractListing.detail(principalOf(request), request.params.id),
    );
  };
