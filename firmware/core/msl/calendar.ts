// Calendar months in UTC, for the shelf life of a sealed bag ("12 months from the seal date").

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
