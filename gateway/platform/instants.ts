/**
 * RFC 3339 date-times and dates as the gateway accepts them: only what JavaScript's Date and
 * PostgreSQL's timestamptz both hold exactly. Year 0000 (PostgreSQL has none), leap seconds
 * (`23:59:60`, which Date cannot represent), offsets past ±23:59 and days a month lacks are refused
 * by validation, so they answer 422 instead of failing later in a query.
 */
const dateTimePattern =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;
const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

function isCalendarDay(year: number, month: number, day: number): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !isLeapYear(year) ? 1 : 0);
}

const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

export function isAcceptedDate(text: string): boolean {
  const match = datePattern.exec(text);
  return match !== null && isCalendarDay(Number(match[1]), Number(match[2]), Number(match[3]));
}

export function isAcceptedDateTime(text: string): boolean {
  const match = dateTimePattern.exec(text);
  if (!match) return false;
  const [, year, month, day, hour, minute, second, offsetHours, offsetMinutes] = match.map(Number);
  return (
    isCalendarDay(year!, month!, day!) &&
    hour! <= 23 &&
    minute! <= 59 &&
    second! <= 59 &&
    (match[7] === undefined || (offsetHours! <= 23 && offsetMinutes! <= 59)) &&
    Number.isFinite(Date.parse(text))
  );
}
