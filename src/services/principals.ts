/**
 * API credentials. A key is 32 random bytes shown once; only its SHA-256 is stored, which is
 * enough for a key of that entropy. Every request resolves to exactly one principal.
 */
import type { Db, DbTx } from '../db/client.ts';
import type { OfficialRole, StaffRole } from '../generated/prisma/enums.ts';
import { hashToken, newToken } from './tokens.ts';

/** A named console user acting for its employer (services/staff-accounts.ts); the principal id is `staff:<userId>`, so audit events name the person. */
export interface StaffIdentity {
  userId: string;
  sessionId: string;
  role: StaffRole;
  username: string;
  displayName: string;
}

export type Principal =
  | { kind: 'admin'; principalId: string }
  | { kind: 'employer'; principalId: string; organisationId: string; staff?: StaffIdentity }
  | { kind: 'official'; principalId: string; officialId: string; role: OfficialRole; regionCode: string };

export function newApiKey(): string {
  return `lsk_${newToken()}`;
}

export const hashApiKey = hashToken;

export async function createPrincipal(
  tx: DbTx,
  input: { kind: 'admin' | 'employer' | 'official'; label: string; organisationId?: string; officialId?: string; key?: string },
): Promise<{ id: string; key: string }> {
  const key = input.key ?? newApiKey();
  const row = await tx.apiPrincipal.create({
    data: {
      kind: input.kind,
      label: input.label,
      keyHash: hashApiKey(key),
      keyPrefix: key.slice(0, 12),
      organisationId: input.organisationId ?? null,
      officialId: input.officialId ?? null,
    },
  });
  return { id: row.id, key };
}

export async function authenticate(db: Db, key: string): Promise<Principal | undefined> {
  const row = await db.apiPrincipal.findUnique({ where: { keyHash: hashApiKey(key) }, include: { official: true } });
  if (!row || row.revokedAt) return undefined;
  if (row.kind === 'admin') return { kind: 'admin', principalId: row.id };
  if (row.kind === 'employer' && row.organisationId) return { kind: 'employer', principalId: row.id, organisationId: row.organisationId };
  if (row.kind === 'official' && row.official) {
    return { kind: 'official', principalId: row.id, officialId: row.official.id, role: row.official.role, regionCode: row.official.regionCode };
  }
  return undefined;
}

/** The principal of a live console session (cookie token) and the CSRF token its state-changing requests must carry. */
export async function authenticateSession(db: Db, token: string, now = new Date()): Promise<{ principal: Principal; csrfToken: string } | undefined> {
  const row = await db.staffSession.findUnique({ where: { tokenHash: hashToken(token) }, include: { user: true } });
  if (!row || row.endedAt || row.expiresAt <= now || row.user.disabledAt) return undefined;
  const { user } = row;
  const staff: StaffIdentity = { userId: user.id, sessionId: row.id, role: user.role, username: user.username, displayName: user.displayName };
  return { principal: { kind: 'employer', principalId: `staff:${user.id}`, organisationId: user.organisationId, staff }, csrfToken: row.csrfToken };
}

/** Resolves bearer keys and console sessions to principals: all the HTTP authentication hook needs. */
export class Principals {
  private readonly db: Db;

  constructor(deps: { db: Db }) {
    this.db = deps.db;
  }

  authenticate(key: string): Promise<Principal | undefined> {
    return authenticate(this.db, key);
  }

  session(token: string) {
    return authenticateSession(this.db, token);
  }
}

/**
 * Makes sure an admin credential exists. With ADMIN_TOKEN configured, that token is the admin
 * key; otherwise a key is generated on the first start only and returned so it can be printed once.
 */
export async function ensureAdmin(db: Db, configuredToken: string | undefined): Promise<{ generatedKey?: string }> {
  if (configuredToken) {
    const keyHash = hashApiKey(configuredToken);
    const existing = await db.apiPrincipal.findUnique({ where: { keyHash } });
    if (!existing) await createPrincipal(db, { kind: 'admin', label: 'bootstrap (ADMIN_TOKEN)', key: configuredToken });
    return {};
  }
  // Two processes starting together on an empty database must not both mint (and print) a key.
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`select pg_advisory_xact_lock(hashtext('laborsign:bootstrap-admin'))`;
    const anyAdmin = await tx.apiPrincipal.findFirst({ where: { kind: 'admin', revokedAt: null } });
    if (anyAdmin) return {};
    const { key } = await createPrincipal(tx, { kind: 'admin', label: 'bootstrap (generated)' });
    return { generatedKey: key };
  });
}
