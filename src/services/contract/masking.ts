/**
 * Personal data shown in part: the one place a worker's ID number, name or phone is masked for
 * a page, a report or an official's list.
 */

/** The region (6) and last 4 characters of a resident ID number: `110101********123X`. */
export function maskIdNumber(idNumber: string): string {
  return `${idNumber.slice(0, 6)}********${idNumber.slice(-4)}`;
}

/** The first character of a name: `张**`. */
export function maskName(name: string): string {
  const chars = [...name];
  return chars.length <= 1 ? name : `${chars[0]}${'*'.repeat(chars.length - 1)}`;
}

/** A mainland mobile number with its middle four digits hidden: `138****0000`. */
export function maskPhone(phone: string): string {
  return phone.length === 11 ? `${phone.slice(0, 3)}****${phone.slice(7)}` : '***';
}
