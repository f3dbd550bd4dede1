// Alarms: conditions an operator should see. Raising an alarm that is already raised does nothing; clearing one
// that is not raised does nothing, so callers may say what is true on every input. A critical alarm holds the
// line until a technician (or the PLC or host) acknowledges it; the acknowledgement is journaled.
import type { MessageBody } from '../../../protocol/src/messages';
import { fit } from '../setup/effects';
import type { Alarm, Reject, Severity } from './types';

export const MAX_ALARMS = 16;

export interface AlarmChange {
  readonly alarms: readonly Alarm[];
  readonly record?: MessageBody<'Alarm'>;
}

const same = (a: Alarm, reason: Reject, position: string | undefined) => a.reason === reason && a.position === position;

export function raise(alarms: readonly Alarm[], reason: Reject, severity: Severity, text: string, now: number, position?: string): AlarmChange {
  if (alarms.some((a) => same(a, reason, position))) return { alarms };
  const alarm: Alarm = { reason, severity, text: fit(text, 80), at: now, acked: false, ...(position === undefined ? {} : { position }) };
  // Bounded: the oldest acknowledged one goes first, else the oldest that is not critical.
  let next = [...alarms, alarm];
  if (next.length > MAX_ALARMS) {
    const drop = next.findIndex((a) => a.acked) >= 0 ? next.findIndex((a) => a.acked) : next.findIndex((a) => a.severity !== 'critical');
    next = next.filter((_, i) => i !== (drop >= 0 ? drop : 0));
  }
  return { alarms: next, record: body(alarm, true, now) };
}

export function clear(alarms: readonly Alarm[], reason: Reject, now: number, position?: string): AlarmChange {
  const a = alarms.find((x) => same(x, reason, position));
  if (a === undefined) return { alarms };
  return { alarms: alarms.filter((x) => x !== a), record: body(a, false, now) };
}

/**
 * Marks raised alarms acknowledged: every one, or with `critical` false all but the critical ones (those hold the run
 * permit, so only someone with the right may acknowledge them).
 */
export function acknowledge(alarms: readonly Alarm[], critical = true): { alarms: readonly Alarm[]; count: number } {
  const acks = (a: Alarm) => !a.acked && (critical || a.severity !== 'critical');
  const count = alarms.filter(acks).length;
  return { alarms: count === 0 ? alarms : alarms.map((a) => (acks(a) ? { ...a, acked: true } : a)), count };
}

export function unackedCritical(alarms: readonly Alarm[]): boolean {
  return alarms.some((a) => a.severity === 'critical' && !a.acked);
}

function body(a: Alarm, raised: boolean, now: number): MessageBody<'Alarm'> {
  return {
    at: Math.floor(now / 1000),
    severity: a.severity,
    raised,
    reason: a.reason,
    ...(a.position === undefined ? {} : { locationIdentifier: a.position }),
    text: a.text,
  };
}
