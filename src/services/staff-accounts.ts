/**
 * The employer's console users: named people with a role (src/domain/staff-roles.ts), created by
 * the employer's API key or by one of its console admins, who sign in with a password and get a
 * server-side session. Passwords are kept as scrypt hashes (node:crypto); a session token is 32
 * random bytes in an HttpOnly cookie, only its SHA-256 stored (principals.ts resolves it).
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { Db } from '../db/client.ts';
import { staffMay, type StaffRoleName } from '../domain/staff-roles.ts';
import { Problem } from '../problem.ts';
import type { Actor, AuditLog } from './audit.ts';
import type { Principal } from './principals.ts';
import { hashToken, newToken } from './tokens.ts';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number, options: { N: number; r: number; p: number; maxmem: number }) => Promise<Buffer>;
const cost = { N: 16384, r: 8, p: 1 };
const keyLength = 32;
/** A console session lasts a working day; signing in again starts a new one. */
export const sessionHours = 10;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, keyLength, { ...cost, maxmem: 64 * 1024 * 1024 });
  return `scrypt$${cost.N}$${cost.r}$${cost.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64'), expected.length, { N: Number(n), r: Number(r), p: Number(p), maxmem: 64 * 1024 * 1024 });
  return timingSafeEqual(actual, expected);
}

// Compared against when the user name is unknown, so both answers take as long (made on first use).
let absentUser: Promise<string> | undefined;
const absentUserHash = () => (absentUser ??= hashPassword(randomBytes(16).toString('hex')));

export interface NewStaffUser {
  username: string;
  displayName: string;
  role: StaffRoleName;
  password: string;
}

export interface RequestContext {
  ip?: string;
  userAgent?: string | undefined;
}

const view = (user: { id: string; username: string; displayName: string; role: StaffRoleName; createdAt: Date; disabledAt: Date | null }) => ({
  id: user.id,
  username: user.username,
  displayName: user.displayName,
  role: user.role,
  createdAt: user.createdAt,
  disabled: user.disabledAt !== null,
});

/** The employer a principal manages staff for: its API key, or one of its console admins. */
function staffManagerOf(principal: Principal): { organisationId: string; actor: Actor } {
  if (principal.kind !== 'employer') throw Problem.forbidden('Only employers name their console users.');
  if (principal.staff && !staffMay(principal.staff.role, 'staff')) throw Problem.forbidden('Only a console administrator names console users.');
  return { organisationId: principal.organisationId, actor: { kind: 'employer', id: principal.principalId } };
}

export class StaffAccounts {
  constructor(private readonly deps: { db: Db; audit: AuditLog }) {}

  async create(principal: Principal, input: NewStaffUser, context: RequestContext = {}) {
    const { organisationId, actor } = staffManagerOf(principal);
    const username = input.username.toLowerCase();
    const passwordHash = await hashPassword(input.password);
    return this.deps.db.$transaction(async (tx) => {
      if (await tx.staffUser.findUnique({ where: { username } })) {
        throw Problem.conflict('The user name is taken.', [{ field: 'username', rule: 'unique', message: 'the user name is taken', messageZh: '该用户名已被使用' }]);
      }
      const user = await tx.staffUser.create({ data: { organisationId, username, displayName: input.displayName, role: input.role, passwordHash } });
      await this.deps.audit.append(tx, { chain: `organisation:${organisationId}`, type: 'staff.created', actor, ...context, data: { user: user.id, username, role: user.role } });
      return view(user);
    });
  }

  async list(principal: Principal) {
    const { organisationId } = staffManagerOf(principal);
    const users = await this.deps.db.staffUser.findMany({ where: { organisationId }, orderBy: { createdAt: 'asc' } });
    return users.map(view);
  }

  /** A new session for the right user name and password; 401 (the same answer) for any wrong pair or a disabled user. */
  async signIn(credentials: { username: string; password: string }, context: RequestContext = {}, now = new Date()) {
    const { db } = this.deps;
    const user = await db.staffUser.findUnique({ where: { username: credentials.username.toLowerCase() } });
    const matches = await verifyPassword(credentials.password, user?.passwordHash ?? (await absentUserHash()));
    if (!user || !matches || user.disabledAt) throw Problem.unauthorized('The user name or password is wrong.');
    const token = newToken();
    const csrfToken = newToken();
    const expiresAt = new Date(now.getTime() + sessionHours * 3_600_000);
    await db.$transaction(async (tx) => {
      const session = await tx.staffSession.create({ data: { userId: user.id, tokenHash: hashToken(token), csrfToken, expiresAt } });
      await this.deps.audit.append(tx, {
        chain: `organisation:${user.organisationId}`,
        type: 'staff.signed_in',
        actor: { kind: 'employer', id: `staff:${user.id}` },
        ...context,
        data: { session: session.id },
      });
    });
    return { token, csrfToken, expiresAt, user: view(user) };
  }

  /** Ends the session of a console principal (signing out). */
  async signOut(principal: Principal, context: RequestContext = {}) {
    if (principal.kind !== 'employer' || !principal.staff) throw Problem.forbidden('Only a console session signs out.');
    const { sessionId } = principal.staff;
    await this.deps.db.$transaction(async (tx) => {
      await tx.staffSession.update({ where: { id: sessionId }, data: { endedAt: new Date() } });
      await this.deps.audit.append(tx, {
        chain: `organisation:${principal.organisationId}`,
        type: 'staff.signed_out',
        actor: { kind: 'employer', id: principal.principalId },
        ...context,
        data: { session: sessionId },
      });
    });
  }

  /** Display names of the console users behind audit actor ids (`staff:<id>`) of one employer, for timelines. */
  async namesOf(organisationId: string, actorIds: (string | null)[]): Promise<Map<string, string>> {
    const ids = [...new Set(actorIds.filter((id): id is string => !!id?.startsWith('staff:')).map((id) => id.slice('staff:'.length)))];
    if (!ids.length) return new Map();
    const users = await this.deps.db.staffUser.findMany({ where: { id: { in: ids }, organisationId }, select: { id: true, displayName: true } });
    return new Map(users.map((u) => [`staff:${u.id}`, u.displayName]));
  }
}
