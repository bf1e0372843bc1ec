/**
 * 电子劳动合同订立指引: after signing the employer notifies the worker, who must be able to view
 * and download the contract. A signed contract the worker has not opened after the grace period
 * (default 7 days: signed on day 0, flagged from day 8) is flagged so the employer notifies again.
 */
import { daysBetween } from '../calendar.ts';
import { alert, ARTICLE } from './alerts.ts';
import { wasSigned } from './roster.ts';
import type { Alert, SupervisionContext } from './types.ts';

export function contractsDelivered(context: SupervisionContext): Alert[] {
  return context.contracts.flatMap((contract) => {
    if (contract.deliveredToWorker || !wasSigned(contract.status) || contract.signedAt === undefined) return [];
    const daysSinceSigning = daysBetween(contract.signedAt, context.asOf);
    if (daysSinceSigning <= context.options.deliveryGraceDays) return [];
    return [
      alert(
        'CONTRACT_NOT_DELIVERED',
        ARTICLE.delivery,
        'warning',
        { workerKey: contract.workerKey, contractId: contract.contractId },
        `劳动合同已于 ${contract.signedAt} 签订，${daysSinceSigning} 天来劳动者尚未查看或下载，请再次通知劳动者`,
        `signed on ${contract.signedAt}, the contract has not been viewed or downloaded by the worker for ${daysSinceSigning} days; notify the worker again`,
        { signedAt: contract.signedAt, daysSinceSigning },
      ),
    ];
  });
}
