/**
 * What each role of an employer's console user may do. A staff session acts for its employer
 * with the employer's grants (src/domain/access.ts); these acts are further kept to some roles.
 * An API key (a system, not a person) is not limited by them.
 */
export const staffRoles = ['hr_clerk', 'hr_manager', 'admin'] as const;
export type StaffRoleName = (typeof staffRoles)[number];

/** Acts kept to some roles: sealing in the employer's name (its seal, its authorisations, a sealed termination certificate) and naming console users. */
export const staffActs = ['seal', 'staff'] as const;
export type StaffAct = (typeof staffActs)[number];

const mayDo: Record<StaffAct, readonly StaffRoleName[]> = {
  // 用章: the seal binds the employer; an HR clerk prepares and sends, a manager decides.
  seal: ['hr_manager', 'admin'],
  staff: ['admin'],
};

export function staffMay(role: StaffRoleName, act: StaffAct): boolean {
  return mayDo[act].includes(role);
}

/**
 * The act a request is, for a console user: what the route declares, else any change to the
 * employer's seal or its authorisations (resource `seal`) is sealing.
 */
export function staffActOf(resource: string, method: string, declared: StaffAct | undefined): StaffAct | undefined {
  if (declared) return declared;
  return resource === 'seal' && !['GET', 'HEAD', 'OPTIONS'].includes(method) ? 'seal' : undefined;
}

export const staffRoleNamesZh: Record<StaffRoleName, string> = { hr_clerk: '人事专员', hr_manager: '人事经理（可盖章）', admin: '管理员' };
