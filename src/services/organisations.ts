/** Employers and dispatch agencies, and officials: created by an administrator. */
import type { Db } from '../db/client.ts';
import { Prisma } from '../db/client.ts';
import type { OfficialRole, OrganisationKind } from '../generated/prisma/enums.ts';
import { Problem } from '../problem.ts';
import { appendAudit, platformChain, type Actor } from './audit.ts';
import { reaches } from '../domain/access.ts';
import { readerOf } from './contract-access.ts';
import { createPrincipal, type Principal } from './principals.ts';

export interface NewOrganisation {
  kind: OrganisationKind;
  name: string;
  uscc: string;
  legalRepresentative: string;
  address: string;
  regionCode: string;
  phone?: string;
  dispatchLicence?: string;
  /** Profile codes (src/domain/reference/organisation-profile.ts). */
  ownership?: string | null;
  industry?: string | null;
  sizeClass?: string | null;
}

export async function createOrganisation(db: Db, input: NewOrganisation, actor: Actor) {
  try {
    return await db.$transaction(async (tx) => {
      const organisation = await tx.organisation.create({ data: input });
      const { key } = await createPrincipal(tx, { kind: 'employer', label: `${input.name} (initial key)`, organisationId: organisation.id });
      await appendAudit(tx, { chain: platformChain, type: 'organisation.created', actor, data: { organisationId: organisation.id, uscc: input.uscc, ownership: input.ownership ?? null, industry: input.industry ?? null, sizeClass: input.sizeClass ?? null } });
      return { organisation, apiKey: key };
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      throw Problem.conflict('An organisation with this 统一社会信用代码 already exists.', [
        { field: 'uscc', in: 'body', rule: 'unique', message: 'an organisation with this USCC already exists', messageZh: '该统一社会信用代码已注册' },
      ]);
    }
    throw error;
  }
}

/** Employers and dispatch agencies (the platform operator's own record is not one of them). */
export async function listOrganisations(db: Db, page: { limit: number; after?: string }) {
  return db.organisation.findMany({
    where: { kind: { not: 'platform' } },
    take: page.limit,
    ...(page.after ? { cursor: { id: page.after }, skip: 1 } : {}),
    orderBy: { id: 'asc' },
  });
}

/** An organisation as seen by a principal: employers only see their own. */
export async function getOrganisationFor(db: Db, principal: Principal, id: string) {
  const reader = readerOf(principal);
  if (!reaches(reader, 'organisation', { organisationId: id }).allowed && principal.kind === 'employer') throw Problem.forbidden('An employer key can only read its own organisation.');
  const organisation = await db.organisation.findUnique({ where: { id } });
  if (!organisation) throw Problem.notFound('Organisation');
  const decision = reaches(reader, 'organisation', { organisationId: organisation.id, regionCode: organisation.regionCode });
  if (!decision.allowed) throw Problem.forbidden('This organisation is outside your reach.');
  if (principal.kind === 'official') {
    // Officials' reads are all on record, this one too (it names no worker, so no portal entry).
    await db.accessLog.create({ data: { officialId: principal.officialId, action: 'organisation.read', purpose: `查看用人单位登记信息：${organisation.uscc}` } });
  }
  return organisation;
}

export async function createOfficial(db: Db, input: { name: string; role: OfficialRole; regionCode: string }, actor: Actor) {
  return db.$transaction(async (tx) => {
    const official = await tx.official.create({ data: input });
    const { key } = await createPrincipal(tx, { kind: 'official', label: `${input.name} (${input.role})`, officialId: official.id });
    await appendAudit(tx, { chain: platformChain, type: 'official.created', actor, data: { officialId: official.id, role: input.role, regionCode: input.regionCode } });
    return { official, apiKey: key };
  });
}
