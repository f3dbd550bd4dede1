// Builders for setup tests: a realistic small work order, labels as the parser returns them, scan pairs.
import { encodePayload } from '../../../protocol/src/frame';
import type { LabelResult, ReelLabel } from '../../core/label/types';
import { createSetup, setupConfig, step } from '../../core/setup';
import type { ApprovedPart, MsdStatus, ReelRecordBody, SetupConfig, SetupEnv, SetupEvent, SetupState, Slot, StepResult, WorkOrder } from '../../core/setup';

export const T0 = Date.UTC(2026, 10, 22, 8, 0, 0);

export const READY: SetupEnv = { msdStatus: () => ({ state: 'exposed', reasons: [] }) };
export const msdEnv = (status: MsdStatus | undefined): SetupEnv => ({ msdStatus: () => status });

export function part(mpn: string, manufacturer: string, permission: ApprovedPart['permission'] = 'primary'): ApprovedPart {
  return { manufacturerPartNumber: mpn, manufacturer, permission };
}

export function slot(position: string, parts: ApprovedPart[], msd = false, ipn = `IPN-${position}`): Slot {
  return { position, bomLine: position.replace(/\D/g, '') || '0', internalPartNumber: ipn, msd, thicknessClass: msd ? 'thin' : 'unknown', approvedParts: parts };
}

export function order(slots: readonly Slot[], id = 'WO-2026-11873', bomRevision = 'C'): WorkOrder {
  return {
    header: {
      workOrderIdentifier: id,
      productIdentifier: 'PCBA-4711',
      bomRevision,
      recipeName: 'PCBA-4711-TOP',
      recipeRevision: '12',
      recipeChecksum: 0x5eed1234,
      lane: 1,
      timeToReflow: 14_400,
    },
    slots,
  };
}

/** The demo order: real parts from the sample labels. */
export function demoOrder(): WorkOrder {
  return order([
    slot('B1.F.1', [part('CL21A475KAQNNNE', 'Samsung Electro-Mechanics'), part('GRM21BR61C475KA88L', 'Murata', 'alternate')]),
    slot('B1.F.2', [part('885012207041', 'Würth Elektronik')]),
    slot('B1.F.3', [part('LTST-C191KGKT', 'Lite-On Inc.'), part('APTD1608LSURCK', 'Kingbright', 'alternate-with-approval')]),
    slot('B1.F.4', [part('TPS548D22RVFR', 'Texas Instruments')], true),
    slot('B1.F.5', [part('MCP2515-I/SO', 'Microchip Technology')]),
    slot('B1.F.6', [part('CL21A475KAQNNNE', 'Samsung Electro-Mechanics')]),
  ]);
}

export const cl21: ReelLabel = { format: 'eigp114-digikey', mpn: 'CL21A475KAQNNNE', qty: 63, lot: 'BI1BT6B', salesOrder: '90837700', invoice: '109914231', supplierPn: '1276-1244-1-ND', countryOfOrigin: 'CN', dateCode: '220309' };
export const wurth: ReelLabel = { format: 'eigp114-digikey', mpn: '885012207041', qty: 500, salesOrder: '75241773', invoice: '88794085', countryOfOrigin: 'TW' };
export const liteon: ReelLabel = { format: 'mfr-liteon-semicolon', mpn: 'LTST-C191KGKT', lot: '2108404746', qty: 5000, reelId: 'RLC21032787551', dateCode: '2113' };
export const ti: ReelLabel = { format: 'eigp114-manufacturer', mpn: 'TPS548D22RVFR', qty: 250, lot: '8013587ZF4', msl: '2', manufacturer: 'Texas Instruments' };
export const mcp: ReelLabel = { format: 'lcsc-qr', mpn: 'MCP2515-I/SO', qty: 100, salesOrder: 'SO2312281234', supplierPn: 'C12368' };

export const ok = (label: ReelLabel): LabelResult => ({ ok: true, label });

export function config(changes: Partial<SetupConfig> = {}): SetupConfig {
  const c = setupConfig(changes);
  if (!c.ok) throw new Error(c.detail);
  return c.config;
}

/** A state with the demo order active. */
export function started(changes: Partial<SetupConfig> = {}, wo: WorkOrder = demoOrder()): SetupState {
  const r = step(createSetup(config(changes)), { kind: 'work-order', order: wo }, T0, READY);
  if (!r.verdict.ok) throw new Error(r.verdict.detail);
  return r.state;
}

export function run(state: SetupState, events: SetupEvent[], now = T0, env: SetupEnv = READY): StepResult {
  let r: StepResult | undefined;
  let s = state;
  for (const e of events) {
    r = step(s, e, now, env);
    s = r.state;
  }
  if (r === undefined) throw new Error('no events');
  return r;
}

/** Slot scan then reel scan, one second apart. */
export function pair(state: SetupState, position: string, label: ReelLabel | LabelResult, now = T0, env: SetupEnv = READY): StepResult {
  const a = step(state, { kind: 'scan-slot', position }, now, env);
  const scan = 'ok' in label ? label : ok(label);
  return step(a.state, { kind: 'scan-reel', scan }, now + 1000, env);
}

export function record(over: Partial<ReelRecordBody> & { uniqueIdentifier: string }): ReelRecordBody {
  return {
    internalPartNumber: 'IPN',
    manufacturerPartNumber: '',
    manufacturer: '',
    manufacturerLotCode: '',
    quantity: 1000,
    thicknessClass: 'unknown',
    ...over,
  };
}

/** Every effect must encode as its protocol message. */
export function encodable(r: StepResult): boolean {
  return r.effects.every((e) => encodePayload(e.message).ok);
}

export function reasonOf(r: StepResult): string {
  return r.verdict.reason;
}
