// Every time a person types on the command line is read by the one strict parser (firmware/core/msl/calendar.ts,
// the MSL engine's own, also used for the trace tools' host records): a calendar date that exists, a time, and a
// zone (Z or ±hh:mm). Date.parse would move 2026-02-30 to 2 March and read a zoneless time in the laptop's zone,
// and these clocks feed floor-life sums.
import { parseIsoTime } from '../../../firmware/core/msl/calendar';
import { CliError } from './errors';

export const TIME_FORM = 'YYYY-MM-DDThh:mm[:ss[.fff]] with Z or ±hh:mm, e.g. 2026-12-01T06:00:00Z';

const NO_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;

/** `--name value` as epoch ms, or a BAD_ARGUMENT that names the option, what is wrong and the accepted form. */
export function timeArg(name: string, value: string): number {
  const v = value.trim();
  const t = parseIsoTime(v);
  if (t.ok) return t.ms;
  const what = t.message.startsWith(`${v}: `) ? t.message.slice(v.length + 2) : NO_ZONE.test(v) ? 'no zone (add Z for UTC, or the offset such as +01:00)' : 'not an ISO-8601 time';
  throw new CliError('BAD_ARGUMENT', `${name} ${value}: ${what}. Accepted: ${TIME_FORM}`);
}
