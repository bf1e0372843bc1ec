/** How field values are written in a Chinese contract: dates, amounts, amounts in capitals. */

const capitalDigits = '零壹贰叁肆伍陆柒捌玖';
const digitUnits = ['仟', '佰', '拾', ''] as const;
const groupUnits = ['', '万', '亿', '万亿'] as const;

/** 2026-09-15 → 2026年9月15日 */
export function chineseDate(iso: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) return iso;
  return `${match[1]}年${Number(match[2])}月${Number(match[3])}日`;
}

export function money(amount: number): string {
  return amount.toFixed(2);
}

function integerInCapitals(value: number): string {
  const groups: number[] = [];
  for (let rest = value; rest > 0; rest = Math.floor(rest / 10000)) groups.push(rest % 10000);
  let result = '';
  let zeroPending = false;
  for (let g = groups.length - 1; g >= 0; g--) {
    const group = groups[g]!;
    if (group === 0) {
      zeroPending = result !== '';
      continue;
    }
    const digits = String(group).padStart(4, '0');
    let written = '';
    for (let i = 0; i < 4; i++) {
      const digit = Number(digits[i]);
      if (digit === 0) {
        if (result !== '' || written !== '') zeroPending = true;
        continue;
      }
      if (zeroPending) written += '零';
      zeroPending = false;
      written += capitalDigits[digit]! + digitUnits[i];
    }
    result += written + groupUnits[g];
  }
  return result;
}

/** 5000 → 伍仟元整; 1234.5 → 壹仟贰佰叁拾肆元伍角 (the way amounts are written on contracts and receipts). */
export function amountInCapitals(amount: number): string {
  const cents = Math.round(amount * 100);
  if (!Number.isSafeInteger(cents) || cents < 0) throw new RangeError(`not an amount: ${amount}`);
  const yuan = Math.floor(cents / 100);
  const jiao = Math.floor(cents / 10) % 10;
  const fen = cents % 10;
  const integer = yuan === 0 ? '零' : integerInCapitals(yuan);
  if (jiao === 0 && fen === 0) return `${integer}元整`;
  let fraction = jiao > 0 ? `${capitalDigits[jiao]}角` : yuan > 0 ? '零' : '';
  if (fen > 0) fraction += `${capitalDigits[fen]}分`;
  return `${yuan === 0 ? '' : `${integer}元`}${fraction}`;
}

/** 1 → 一, 10 → 十, 12 → 十二, 25 → 二十五 (article and chapter numbers). */
export function chineseNumeral(n: number): string {
  const digits = '〇一二三四五六七八九';
  if (n < 10) return digits[n]!;
  if (n < 20) return `十${n % 10 === 0 ? '' : digits[n % 10]}`;
  if (n < 100) return `${digits[Math.floor(n / 10)]}十${n % 10 === 0 ? '' : digits[n % 10]}`;
  return String(n);
}
