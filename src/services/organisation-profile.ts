/**
 * The organisation profile (控股情况, GB/T 4754 门类, size band; src/domain/reference/organisation-profile.ts):
 * the administrator sets it at registration, the employer keeps it current. Each change is audited.
 */
import type { Db } from '../db/client.ts';
import { describeProfile, type OrganisationProfile } from '../domain/reference/organisation-profile.ts';
import type { Actor, AuditLog } from './audit.ts';

export class OrganisationProfiles {
  constructor(private readonly deps: { db: Db; audit: AuditLog }) {}

  /** Sets the fields given (null clears one); returns the whole profile. */
  async update(organisationId: string, change: Partial<OrganisationProfile>, actor: Actor) {
    return this.deps.db.$transaction(async (tx) => {
      const before = await tx.organisation.findUniqueOrThrow({ where: { id: organisationId }, select: { ownership: true, industry: true, sizeClass: true } });
      const after = await tx.organisation.update({ where: { id: organisationId }, data: change, select: { ownership: true, industry: true, sizeClass: true } });
      await this.deps.audit.append(tx, { chain: `organisation:${organisationId}`, type: 'organisation.profile_updated', actor, data: { before, after } });
      return describeProfile(after);
    });
  }

  async get(organisationId: string) {
    const organisation = await this.deps.db.organisation.findUniqueOrThrow({ where: { id: organisationId }, select: { ownership: true, industry: true, sizeClass: true } });
    return describeProfile(organisation);
  }
}
