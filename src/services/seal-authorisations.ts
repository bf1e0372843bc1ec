/**
 * 自动签章授权: the employer's recorded, revocable consent that the platform seals contracts of
 * some templates without a per-contract request, within a time window. Without a covering,
 * unrevoked authorisation nothing is sealed automatically. Grants and revocations are audited.
 */
import type { Db } from '../db/client.ts';
import type { Organisation } from '../generated/prisma/client.ts';
import { Problem } from '../problem.ts';
import type { Actor, AuditLog } from './audit.ts';

export interface AuthorisationGrant {
  templateIds: string[];
  validFrom: Date;
  validUntil: Date;
  /** The person who granted it (name and position), recorded as evidence. */
  grantedBy: string;
}

const chainOf = (organisationId: string) => `organisation:${organisationId}`;

export class SealAuthorisations {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
  ) {}

  async grant(organisation: Organisation, grant: AuthorisationGrant, actor: Actor) {
    if (grant.validUntil <= grant.validFrom) throw Problem.badRequest([{ field: 'validUntil', in: 'body', rule: 'after_valid_from', message: 'must be after validFrom' }]);
    return this.db.$transaction(async (tx) => {
      const created = await tx.sealAuthorisation.create({ data: { organisationId: organisation.id, ...grant } });
      await this.audit.append(tx, {
        chain: chainOf(organisation.id),
        type: 'seal_authorisation.granted',
        actor,
        data: { id: created.id, templateIds: grant.templateIds, validFrom: grant.validFrom.toISOString(), validUntil: grant.validUntil.toISOString(), grantedBy: grant.grantedBy },
      });
      return created;
    });
  }

  async revoke(organisation: Organisation, id: string, revokedBy: string, actor: Actor) {
    return this.db.$transaction(async (tx) => {
      const existing = await tx.sealAuthorisation.findUnique({ where: { id } });
      if (!existing || existing.organisationId !== organisation.id) throw Problem.notFound('Seal authorisation');
      if (existing.revokedAt) return existing;
      const revoked = await tx.sealAuthorisation.update({ where: { id }, data: { revokedAt: new Date(), revokedBy } });
      await this.audit.append(tx, { chain: chainOf(organisation.id), type: 'seal_authorisation.revoked', actor, data: { id, revokedBy } });
      return revoked;
    });
  }

  list(organisation: Organisation) {
    return this.db.sealAuthorisation.findMany({ where: { organisationId: organisation.id }, orderBy: { grantedAt: 'desc' } });
  }

  /** The authorisation that lets the platform seal this template now, or a 403 saying why not. */
  /** `field`: the request field that asked for automatic sealing (`autoSeal`, or a batch's `templateId`). */
  async covering(organisation: Organisation, templateId: string, at = new Date(), field = 'autoSeal') {
    const found = await this.db.sealAuthorisation.findFirst({
      where: { organisationId: organisation.id, revokedAt: null, validFrom: { lte: at }, validUntil: { gt: at }, templateIds: { has: templateId } },
      orderBy: { grantedAt: 'desc' },
    });
    if (!found) {
      throw new Problem(
        403,
        'no-seal-authorisation',
        'No seal authorisation',
        `There is no current, unrevoked authorisation to seal ${templateId} contracts automatically; seal each contract (POST /api/v1/contracts/{id}/seal), or grant one (POST /api/v1/seal-authorisations).`,
        [
          {
            field,
            in: 'body',
            rule: 'authorised',
            message: 'no covering seal authorisation',
            messageZh: '没有有效的自动盖章授权：请由法定代表人或其授权人先授权平台对该模板的合同自动盖章（POST /api/v1/seal-authorisations，或在企业控制台“印章与授权”页），或逐份盖章',
          },
        ],
      );
    }
    return found;
  }
}
