// What a scanner line is: a badge, a command barcode, a board id, a program label, a slot of the active order, or
// (anything else) a reel label. Prefixes come from the configuration; a slot is recognised by its position.
import { slotAt } from '../setup/order';
import { parseProgramLabel, type ProgramReportFields } from './program';
import type { CommandName, CoreState } from './types';
import { frozen } from '../../../protocol/src/frozen';

export type ScanClass =
  | { readonly kind: 'badge'; readonly badge: string }
  | { readonly kind: 'command'; readonly name: CommandName; readonly arg?: string }
  | { readonly kind: 'bad-command'; readonly text: string }
  | { readonly kind: 'board'; readonly unitId: string }
  | { readonly kind: 'program'; readonly report: ProgramReportFields }
  | { readonly kind: 'bad-program'; readonly text: string }
  | { readonly kind: 'slot'; readonly position: string }
  | { readonly kind: 'reel'; readonly data: string };

/** Command barcodes (after the command prefix). Print them from `warden station commands`. */
export const COMMANDS: { readonly [code: string]: { readonly name: CommandName; readonly what: string } } = {
  OPEN: { name: 'open', what: 'then scan a reel: its dry bag was opened now; the humidity card was not read' },
  'OPEN-DRY': { name: 'open-dry', what: 'then scan a reel: its bag was opened now and both card spots read blue (dry)' },
  UNLOAD: { name: 'unload', what: 'then scan a slot: its reel was taken off' },
  SPLICE: { name: 'splice', what: 'then scan the slot, then the new reel spliced onto its running reel' },
  MOVE: { name: 'move', what: 'then scan the slot the feeder left, then the slot it went to' },
  LOGOUT: { name: 'logout', what: 'log the current operator out' },
  ACK: { name: 'ack', what: 'acknowledge the raised alarms (technician or above)' },
  'FIRSTOFF-PASS': { name: 'first-off-pass', what: 'the first-off board passed inspection (supervisor)' },
  'FIRSTOFF-FAIL': { name: 'first-off-fail', what: 'CMD:FIRSTOFF-FAIL:<NCR>: the first-off board failed, with its NCR reference (supervisor)' },
  CANCEL: { name: 'cancel', what: 'forget a command or half a scan pair' },
};
frozen(COMMANDS);

function trimEnd(s: string): string {
  return s.replace(/[\r\n]+$/, '');
}

export function classify(s: CoreState, raw: string): ScanClass {
  const data = trimEnd(raw);
  const c = s.config;
  const t = data.trim();
  if (t.startsWith(c['scan.badgePrefix'])) return { kind: 'badge', badge: t.slice(c['scan.badgePrefix'].length).trim() };
  if (t.startsWith(c['scan.commandPrefix'])) {
    const body = t.slice(c['scan.commandPrefix'].length).trim().toUpperCase();
    const colon = body.indexOf(':');
    const code = colon < 0 ? body : body.slice(0, colon);
    const cmd = COMMANDS[code];
    if (cmd === undefined) return { kind: 'bad-command', text: t };
    const arg = colon < 0 ? undefined : t.slice(c['scan.commandPrefix'].length).trim().slice(colon + 1).trim();
    return arg === undefined || arg === '' ? { kind: 'command', name: cmd.name } : { kind: 'command', name: cmd.name, arg };
  }
  if (t.startsWith(c['scan.boardPrefix'])) {
    const id = t.slice(c['scan.boardPrefix'].length).trim();
    return id === '' ? { kind: 'reel', data } : { kind: 'board', unitId: id };
  }
  if (t.startsWith(c['scan.programPrefix'])) {
    const report = parseProgramLabel(t.slice(c['scan.programPrefix'].length));
    return report === undefined ? { kind: 'bad-program', text: t } : { kind: 'program', report };
  }
  const order = s.setup.order;
  if (order !== undefined && t !== '' && t.length <= 16 && slotAt(order, t) !== undefined) return { kind: 'slot', position: t };
  return { kind: 'reel', data };
}
