/**
 * Personal numbers out of logs: resident ID numbers (18 characters, GB 11643) and mainland mobile
 * numbers are masked wherever they appear in a logged text (URLs, messages).
 */
const residentId = /(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])/g;
const mobile = /(?<!\d)(1\d{2})\d{4}(\d{4})(?!\d)/g;

/** The text with every ID number as `140802********1234`-like (birth date hidden) and phone as `139****0071`. */
export function maskPersonalNumbers(text: string): string {
  return text.replace(residentId, (_m, region: string) => `${region}************`).replace(mobile, (_m, head: string, tail: string) => `${head}****${tail}`);
}

/** Headers and fields that never reach the log, as pino redact paths. */
export const redactedLogPaths = ['req.headers.authorization', 'req.headers["x-portal-session"]', 'req.headers.cookie', '*.idNumber', '*.phone'];
