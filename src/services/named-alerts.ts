/**
 * Supervision alerts that name the worker. To officials: a list with the name and ID number
 * masked (one AccessLog row for the listing), and one alert in full on an explicit view, logged
 * on the worker so it shows in 我的合同 (/w). To the employer (自查): its own alerts, names in full.
 * Alerts are computed (src/services/supervision.ts), so each gets a stable id from what it is
 * about; lists page by that id.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../db/client.ts';
import { reaches } from '../domain/access.ts';
import { describeProfile } from '../domain/reference/organisation-profile.ts';
import type { Alert } from '../domain/supervision/types.ts';
import type { Organisation } from '../generated/prisma/client.ts';
import { Problem } from '../problem.ts';
import type { FieldCrypto } from '../security/field-crypto.ts';
import { maskIdNumber, maskName } from './contract/masking.ts';
import { officialReader, type AccessReason, type Official } from './official-access.ts';
import type { SupervisionService } from './supervision.ts';
import { readWorker } from './workers.ts';

export interface AlertPage {
  after?: string;
  limit: number;
}

export interface NamedAlert {
  id: string;
  code: string;
  article: string;
  severity: Alert['severity'];
  messageZh: string;
  messageEn: string;
  contractId: string | null;
  details: Alert['details'];
  worker: { name: string; idNumber: string } | null;
}

/** The alert's id: the employer, the rule and the worker and contract it is about. */
export function alertId(organisationId: string, alert: Pick<Alert, 'code' | 'workerKey' | 'contractId'>): string {
  return createHash('sha256')
    .update(`${organisationId}|${alert.code}|${alert.workerKey ?? ''}|${alert.contractId ?? ''}`)
    .digest('hex')
    .slice(0, 32);
}

export class NamedAlerts {
  constructor(private readonly deps: { db: Db; crypto: FieldCrypto; supervision: SupervisionService }) {}

  /** 自查: the employer's own alerts on a day, names and ID numbers in full, paged by alert id. */
  async selfCheck(organisationId: string, asOf: string, page: AlertPage) {
    const organisation = await this.deps.db.organisation.findUniqueOrThrow({ where: { id: organisationId } });
    const { alerts, report } = await this.named(organisation, asOf);
    return { asOf, headcount: report.headcount, signing: report.signing, total: alerts.length, ...pageOf(alerts, page) };
  }

  /** An official's list of an employer's alerts: worker name and ID number masked; the listing is logged. */
  async forOfficial(official: Official, uscc: string, asOf: string, page: AlertPage, reason: AccessReason) {
    const organisation = await this.reachable(official, uscc);
    const { alerts } = await this.named(organisation, asOf);
    const paged = pageOf(alerts, page);
    await this.deps.db.accessLog.create({
      data: {
        officialId: official.officialId,
        action: 'inspection.alerts_listed',
        purpose: `${reason.purpose}（${organisation.name} 预警 ${paged.items.length} 条，姓名证件号已遮蔽）`,
        caseNumber: reason.caseNumber ?? null,
      },
    });
    return {
      employer: { name: organisation.name, uscc: organisation.uscc, regionCode: organisation.regionCode, profile: describeProfile(organisation) },
      asOf,
      total: alerts.length,
      next: paged.next,
      items: paged.items.map(({ worker, ...rest }) => ({ ...rest, worker: worker ? { nameMasked: maskName(worker.name), idNumberMasked: maskIdNumber(worker.idNumber) } : null })),
    };
  }

  /** One alert with the worker's full identity: an official read, logged on the worker (shown in /w). */
  async oneForOfficial(official: Official, uscc: string, id: string, asOf: string, reason: AccessReason) {
    const organisation = await this.reachable(official, uscc);
    const { alerts, workerIds } = await this.named(organisation, asOf);
    const alert = alerts.find((a) => a.id === id);
    if (!alert) throw Problem.notFound('Alert');
    const workerId = workerIds.get(id) ?? null;
    await this.deps.db.accessLog.create({
      data: {
        officialId: official.officialId,
        action: 'inspection.alert_viewed',
        purpose: `${reason.purpose}（${organisation.name} 预警：${alert.messageZh.slice(0, 60)}）`,
        caseNumber: reason.caseNumber ?? null,
        workerId,
      },
    });
    return { employer: { name: organisation.name, uscc: organisation.uscc, regionCode: organisation.regionCode }, asOf, alert };
  }

  /** The employer, when it lies in the official's region (else 404, as for the employer file). */
  private async reachable(official: Official, uscc: string): Promise<Organisation> {
    const organisation = await this.deps.db.organisation.findUnique({ where: { uscc } });
    if (!organisation || organisation.kind === 'platform' || !reaches(officialReader(official), 'employer.file', { regionCode: organisation.regionCode }).allowed) throw Problem.notFound('Employer');
    return organisation;
  }

  /** The report's alerts with ids and the workers they name, ordered by id. */
  private async named(organisation: Organisation, asOf: string) {
    const { db, crypto, supervision } = this.deps;
    const report = await supervision.report(organisation, asOf);
    const keys = [...new Set(report.alerts.map((a) => a.workerKey).filter((key): key is string => key !== undefined))];
    const rows = keys.length ? await db.worker.findMany({ where: { id: { in: keys } } }) : [];
    const identities = new Map(rows.map((row) => [row.id, readWorker(crypto, row)]));
    const workerIds = new Map<string, string>();
    const alerts: NamedAlert[] = report.alerts.map((a) => {
      const id = alertId(organisation.id, a);
      const identity = a.workerKey ? identities.get(a.workerKey) : undefined;
      if (a.workerKey) workerIds.set(id, a.workerKey);
      return {
        id,
        code: a.code,
        article: a.article,
        severity: a.severity,
        messageZh: a.messageZh,
        messageEn: a.messageEn,
        contractId: a.contractId ?? null,
        details: a.details,
        worker: identity ? { name: identity.name, idNumber: identity.idNumber } : null,
      };
    });
    alerts.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
    return { report, alerts, workerIds };
  }
}

/** The alerts after the cursor, and the cursor of the next page (null on the last). */
function pageOf<T extends { id: string }>(items: readonly T[], page: AlertPage) {
  const rest = page.after ? items.filter((item) => item.id > page.after!) : items;
  const slice = rest.slice(0, page.limit);
  return { items: slice, next: rest.length > page.limit ? slice.at(-1)!.id : null };
}
