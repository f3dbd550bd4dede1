// Who may do what at a station. Roles are ordered: each has the rights of those below it. The table is the one
// source of the rights; firmware/runtime/README.md shows it (generated from here by `npm run gen`).
import type { Badge, CoreState, Operator, Reject, Role } from './types';
import { frozen } from '../../../protocol/src/frozen';

export const ROLE_RANK: { readonly [R in Role]: number } = { operator: 0, technician: 1, supervisor: 2, engineer: 3 };

/** What each action needs; `what` is its description for people (the docs, `warden station commands`). */
export const RIGHTS = {
  load: { role: 'operator', what: 'load reels (scan slot and reel, splice, unload, move, open a bag)' },
  requestOverride: { role: 'operator', what: 'ask the host for an override' },
  manualLot: { role: 'technician', what: 'enter a lot by hand (manual lot entry)' },
  ackAlarms: { role: 'technician', what: 'acknowledge raised alarms' },
  grantOverride: { role: 'supervisor', what: 'grant an override at the station (time-limited, with a reason)' },
  firstOff: { role: 'supervisor', what: 'record a first-off verdict, allow a new first-off after a failure' },
  msdRelease: { role: 'supervisor', what: 'release or scrap an MSD reel' },
} as const satisfies Record<string, { role: Role; what: string }>;

frozen(RIGHTS);
frozen(ROLE_RANK);

export type Right = keyof typeof RIGHTS;

/** Undefined when the logged-in operator may; else why not. */
export function mayDo(s: CoreState, right: Right): Reject | undefined {
  const op = s.operator;
  if (op === undefined) return 'OPERATOR_REQUIRED';
  return ROLE_RANK[op.role] >= ROLE_RANK[RIGHTS[right].role] ? undefined : 'RIGHTS_INSUFFICIENT';
}

/** Loading rights, waived when the configuration does not ask for a login. */
export function mayLoad(s: CoreState): Reject | undefined {
  return s.config['operators.requireLogin'] ? mayDo(s, 'load') : undefined;
}

/** The operator id for records; '' when nobody is logged in. */
export function operatorId(s: CoreState): string {
  return s.operator?.id ?? '';
}

export function login(badges: ReadonlyMap<string, Badge>, badge: string, now: number): Operator | undefined {
  const b = badges.get(badge);
  return b === undefined ? undefined : { id: b.operatorId, role: b.role, since: now };
}

/** The roster with one badge added, replaced or withdrawn; bounded (the oldest entry goes first). */
export function putBadge(badges: ReadonlyMap<string, Badge>, badge: string, entry: Badge | undefined, max: number): Map<string, Badge> {
  const next = new Map(badges);
  next.delete(badge);
  if (entry !== undefined) {
    next.set(badge, entry);
    while (next.size > max) next.delete(next.keys().next().value as string);
  }
  return next;
}
