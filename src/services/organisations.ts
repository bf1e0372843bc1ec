/** Employers and dispatch agencies, and officials: created by an administrator; an employer's own record and seal image. */
import type { Db } from '../db/client.ts';
import { Prisma } from '../db/client.ts';
import type { OfficialRole, OrganisationKind } from '../generated/prisma/enums.ts';
import { Problem } from '../problem.ts';
import { checkImage } from '../signing/appearance/image-header.ts';
import type { ObjectArchive } from '../storage/archive.ts';
import { platformChain, type Actor, type AuditLog } from './audit.ts';
import { reaches } from '../domain/access.ts';
import { readerOf } from './contract/access.ts';
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

type EmployerPrincipal = Extract<Principal, { kind: 'employer' }>;

export class Organisations {
  private readonly db: Db;
  private readonly archive: Pick<ObjectArchive, 'put'>;

  private readonly audit: AuditLog;

  constructor(deps: { db: Db; audit: AuditLog; archive: Pick<ObjectArchive, 'put'> }) {
    this.db = deps.db;
    this.audit = deps.audit;
    this.archive = deps.archive;
  }

  async create(input: NewOrganisation, actor: Actor) {
    try {
      return await this.db.$transaction(async (tx) => {
        const organisation = await tx.organisation.create({ data: input });
        const { key } = await createPrincipal(tx, { kind: 'employer', label: `${input.name} (initial key)`, organisationId: organisation.id });
        await this.audit.append(tx, {
          chain: platformChain,
          type: 'organisation.created',
          actor,
          data: { organisationId: organisation.id, uscc: input.uscc, ownership: input.ownership ?? null, industry: input.industry ?? null, sizeClass: input.sizeClass ?? null },
        });
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
  async list(page: { limit: number; after?: string }) {
    return this.db.organisation.findMany({
      where: { kind: { not: 'platform' } },
      take: page.limit,
      ...(page.after ? { cursor: { id: page.after }, skip: 1 } : {}),
      orderBy: { id: 'asc' },
    });
  }

  /** The organisation behind an employer key: what every employer route acts for. */
  async ofPrincipal(principal: Principal) {
    if (principal.kind !== 'employer') throw Problem.forbidden('Only employers do this.');
    return this.db.organisation.findUniqueOrThrow({ where: { id: principal.organisationId } });
  }

  /** An organisation as seen by a principal: employers only see their own, officials their region's (the read is logged). */
  async readFor(principal: Principal, id: string) {
    const reader = readerOf(principal);
    if (!reaches(reader, 'organisation', { organisationId: id }).allowed && principal.kind === 'employer') throw Problem.forbidden('An employer key can only read its own organisation.');
    const organisation = await this.db.organisation.findUnique({ where: { id } });
    if (!organisation) throw Problem.notFound('Organisation');
    const decision = reaches(reader, 'organisation', { organisationId: organisation.id, regionCode: organisation.regionCode });
    if (!decision.allowed) throw Problem.forbidden('This organisation is outside your reach.');
    if (principal.kind === 'official') {
      // Officials' reads are all on record, this one too (it names no worker, so no portal entry).
      await this.db.accessLog.create({ data: { officialId: principal.officialId, action: 'organisation.read', purpose: `查看用人单位登记信息：${organisation.uscc}` } });
    }
    return organisation;
  }

  /** Stores the employer's seal image (checked from its header before it is stored or ever decoded by a seal); seals then draw it. */
  async setSealImage(principal: EmployerPrincipal, image: Buffer) {
    const checked = checkImage(image);
    if (!checked.ok) {
      const field = { field: 'body', in: 'body' as const, rule: checked.rule === 'image_type' ? 'png_or_jpeg' : checked.rule, message: checked.message, messageZh: checked.messageZh };
      throw checked.rule === 'image_type' ? Problem.badRequest([field]) : new Problem(422, 'image-refused', 'Image refused', checked.message, [field], { messageZh: checked.messageZh });
    }
    const stored = await this.archive.put(image, { contentType: checked.type === 'png' ? 'image/png' : 'image/jpeg' });
    await this.db.$transaction(async (tx) => {
      await tx.organisation.update({ where: { id: principal.organisationId }, data: { sealImageKey: stored.key, sealImageSha256: stored.sha256 } });
      await this.audit.append(tx, {
        chain: `organisation:${principal.organisationId}`,
        type: 'seal_image.uploaded',
        actor: { kind: 'employer', id: principal.principalId },
        data: { sha256: stored.sha256, size: stored.size },
      });
    });
    return { sha256: stored.sha256, size: stored.size };
  }

  async createOfficial(input: { name: string; role: OfficialRole; regionCode: string }, actor: Actor) {
    return this.db.$transaction(async (tx) => {
      const official = await tx.official.create({ data: input });
      const { key } = await createPrincipal(tx, { kind: 'official', label: `${input.name} (${input.role})`, officialId: official.id });
      await this.audit.append(tx, { chain: platformChain, type: 'official.created', actor, data: { officialId: official.id, role: input.role, regionCode: input.regionCode } });
      return { official, apiKey: key };
    });
  }
}
