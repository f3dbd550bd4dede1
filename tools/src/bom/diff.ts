// `warden bom diff OLD NEW`: what a new revision of a work-order document changes at the station. The answer is
// the station's own: the old order and then the new one are given to the setup core (firmware/core/setup), and
// its verdict names the slots to verify again; this adds, per slot, what changed, and which lots the change makes
// obsolete (the lots on those slots when the journals were read, with --in).
import { createSetup, step } from '../../../firmware/core/setup';
import { setupConfig } from '../../../firmware/core/setup/config';
import { normMpn, normPosition } from '../../../firmware/core/setup/normalize';
import type { Slot } from '../../../protocol/src/workorder';
import type { WorkOrderDoc } from '../../../host-sim/host/work-order-doc';

export interface SlotChange {
  readonly position: string;
  readonly what: readonly string[];
}

export interface BomDiff {
  /** A different work order id: a changeover, every slot is verified afresh. */
  readonly changeover: boolean;
  /** The station's own words for the change. */
  readonly station: string;
  readonly reverify: readonly string[];
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly SlotChange[];
  readonly unchanged: number;
  readonly header: readonly string[];
  readonly refdes: readonly { readonly line: string; readonly added: readonly string[]; readonly removed: readonly string[] }[];
}

function partsText(s: Slot): Map<string, string> {
  return new Map(s.approvedParts.map((p) => [`${normMpn(p.manufacturerPartNumber)} ${p.manufacturer.toUpperCase()}`, `${p.manufacturerPartNumber}${p.manufacturer === '' ? '' : ` (${p.manufacturer})`} ${p.permission}`]));
}

function slotWhat(a: Slot, b: Slot): string[] {
  const out: string[] = [];
  if (a.internalPartNumber.trim() !== b.internalPartNumber.trim()) out.push(`IPN ${a.internalPartNumber} → ${b.internalPartNumber}`);
  if (a.msd !== b.msd) out.push(b.msd ? 'now moisture-sensitive' : 'no longer moisture-sensitive');
  if (a.thicknessClass !== b.thicknessClass) out.push(`thickness class ${a.thicknessClass} → ${b.thicknessClass}`);
  const pa = partsText(a);
  const pb = partsText(b);
  for (const [k, v] of pb) if (!pa.has(k)) out.push(`approves ${v}`);
  for (const [k, v] of pa) if (!pb.has(k)) out.push(`no longer approves ${v}`);
  for (const [k, v] of pb) if (pa.has(k) && pa.get(k) !== v) out.push(`${pa.get(k)} → ${v}`);
  if (a.bomLine !== b.bomLine) out.push(`BOM line ${a.bomLine} → ${b.bomLine} (no re-verification needed)`);
  return out;
}

export function diffDocs(a: WorkOrderDoc, b: WorkOrderDoc): BomDiff {
  const cfg = setupConfig({});
  if (!cfg.ok) throw new Error(cfg.detail); // the defaults are valid by construction
  const env = { msdStatus: () => ({ state: 'exposed' as const, reasons: [] }) };
  const s0 = step(createSetup(cfg.config), { kind: 'work-order', order: a.workOrder }, 0, env);
  const s1 = step(s0.state, { kind: 'work-order', order: b.workOrder }, 1000, env);
  const ha = a.workOrder.header;
  const hb = b.workOrder.header;
  const changeover = ha.workOrderIdentifier !== hb.workOrderIdentifier;
  const oldAt = new Map(a.workOrder.slots.map((s) => [normPosition(s.position), s] as const));
  const newAt = new Map(b.workOrder.slots.map((s) => [normPosition(s.position), s] as const));
  const added = b.workOrder.slots.filter((s) => !oldAt.has(normPosition(s.position))).map((s) => s.position.trim());
  const removed = a.workOrder.slots.filter((s) => !newAt.has(normPosition(s.position))).map((s) => s.position.trim());
  const changed: SlotChange[] = [];
  let unchanged = 0;
  for (const s of b.workOrder.slots) {
    const o = oldAt.get(normPosition(s.position));
    if (o === undefined) continue;
    const what = slotWhat(o, s);
    if (what.length > 0) changed.push({ position: s.position.trim(), what });
    else unchanged++;
  }
  const verdict = s1.verdict;
  const reverify = changeover ? b.workOrder.slots.map((s) => s.position.trim()) : [...(verdict.ok ? (verdict.slots ?? []) : []), ...added];
  const header = (Object.keys(hb) as (keyof typeof hb)[]).filter((k) => ha[k] !== hb[k]).map((k) => `${k}: ${String(ha[k])} → ${String(hb[k])}`);
  const la = new Map(a.bom.lines.map((l) => [l.line, l] as const));
  const refdes = b.bom.lines.flatMap((l) => {
    const o = la.get(l.line);
    const before = new Set(o?.refdes ?? []);
    const after = new Set(l.refdes);
    const add = l.refdes.filter((d) => !before.has(d));
    const rem = [...before].filter((d) => !after.has(d));
    return add.length + rem.length === 0 || o === undefined ? [] : [{ line: l.line, added: add, removed: rem }];
  });
  return { changeover, station: verdict.detail, reverify, added, removed, changed, unchanged, header, refdes };
}

/** A reel on a slot, as the trace model's material usage gives it (only what the obsolete-lot answer reads). */
export interface SlotUse {
  readonly station: number;
  readonly workOrder: string;
  readonly bomRevision: string;
  readonly position: string;
  readonly reelId: string;
  readonly mpn: string;
  readonly lot: string;
  readonly end: 'on-slot' | 'unloaded' | 'spliced-out';
}

export interface ObsoleteLot {
  readonly station: number;
  readonly position: string;
  readonly reelId: string;
  readonly mpn: string;
  readonly lot: string;
}

/**
 * The lots the new revision makes obsolete: the reels on a slot whose approval changed, at a station the old
 * document is for (its `stations`; a document without the list goes to any station, so every station that ran
 * its work order and BOM revision), on that order and revision now. Another station's slot of the same name is
 * another slot: stations of one line often name their feeder positions alike.
 */
export function obsoleteLots(a: WorkOrderDoc, d: BomDiff, usage: readonly SlotUse[]): ObsoleteLot[] {
  const changed = new Set(d.changed.filter((c) => !c.what.every((w) => w.startsWith('BOM line'))).map((c) => normPosition(c.position)));
  const stations = a.stations === undefined ? undefined : new Set(a.stations);
  const h = a.workOrder.header;
  return usage
    .filter((u) => u.end === 'on-slot' && (stations === undefined || stations.has(u.station)) && u.workOrder === h.workOrderIdentifier && u.bomRevision === h.bomRevision && changed.has(normPosition(u.position)))
    .map((u) => ({ station: u.station, position: u.position, reelId: u.reelId, mpn: u.mpn, lot: u.lot }));
}
