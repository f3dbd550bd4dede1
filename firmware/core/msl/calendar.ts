// Calendar arithmetic in UTC: months for the shelf life of a sealed bag ("12 months from the seal date"), and a
// strict reading of ISO-8601 times that refuses impossible dates instead of shifting them.

/** `ms` plus `months` calendar months, UTC; a day past the target month's end clamps to its last day (31 Jan + 1 = 28/29 Feb). */
export function addMonthsUtc(ms: number, months: number): number {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const end = new Date(0);
  end.setUTCFullYear(y, m + 1, 0); // day 0 of the next month: the target month's last day
  const r = new Date(0);
  r.setUTCFullYear(y, m, Math.min(d.getUTCDate(), end.getUTCDate()));
  r.setUTCHours(d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
  return r.getTime();
}

/** An ISO-8601 / RFC 3339 time with a zone: date, hours and minutes, optional seconds and fraction, `Z` or ±hh:mm. */
const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;
/** No zone on Earth is further from UTC than this (Kiribati, +14:00; Baker Island, -12:00, is within it). */
const MAX_OFFSET_MIN = 14 * 60;

export type TimeParse = { readonly ok: true; readonly ms: number } | { readonly ok: false; readonly message: string };

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function daysIn(year: number, month: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month, 0); // day 0 of the next month: this month's last day
  return d.getUTCDate();
}

/**
 * Parses an ISO-8601 time with a zone, strictly: every field must be a real calendar value (no 30 February, no
 * hour 24, no leap second, no zone beyond ±14:00), so that a typo is refused instead of silently moved to another
 * day, as Date.parse does. Fractions beyond milliseconds are truncated (the engine works in whole milliseconds).
 */
export function parseIsoTime(text: string): TimeParse {
  const m = ISO.exec(text);
  if (m === null) return { ok: false, message: 'an ISO-8601 time with a zone, e.g. 2026-03-01T08:00:00Z' };
  const n = (i: number) => (m[i] === undefined ? 0 : Number(m[i]));
  const [year, month, day, hour, minute, second] = [n(1), n(2), n(3), n(4), n(5), n(6)];
  if (month < 1 || month > 12) return { ok: false, message: `${text}: month ${m[2]} does not exist` };
  const last = daysIn(year, month);
  if (day < 1 || day > last) return { ok: false, message: `${text}: ${MONTHS[month - 1]} ${year} has no day ${m[3]} (it has ${last} days)` };
  if (hour > 23) return { ok: false, message: `${text}: hour ${m[4]} does not exist (write 00:00 of the next day)` };
  if (minute > 59) return { ok: false, message: `${text}: minute ${m[5]} does not exist` };
  if (second > 59) return { ok: false, message: `${text}: second ${m[6]} does not exist (a leap second: write :59)` };
  let offsetMin = 0;
  if (m[8] === undefined) {
    const oh = n(10);
    const om = n(11);
    if (om > 59) return { ok: false, message: `${text}: zone offset minute ${m[11]} does not exist` };
    offsetMin = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
    if (Math.abs(offsetMin) > MAX_OFFSET_MIN) return { ok: false, message: `${text}: zone offset ${m[9]}${m[10]}:${m[11]} is beyond ±14:00` };
  }
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, ms);
  return { ok: true, ms: d.getTime() - offsetMin * 60_000 };
}
