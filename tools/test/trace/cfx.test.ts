// The CFX messages the export writes and the gateway publishes: names and fields checked against the CFX facts in
// shared/reference/standards.md (copied to fixtures/cfx-standards.md) and against a message as the CFX SDK serializes it (tools/bench/cfx/), values in
// the SDK's formats, UniqueIDs deterministic and unique.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Message } from '../../../protocol/src/messages';
import { cfxDateTime, cfxTimeSpan, cfxUniqueId, parseCfxTimeSpan, type CfxEnvelope } from '../../src/cfx/envelope';
import { CFX_MESSAGE_NAMES, CfxStream } from '../../src/cfx/map';
import { cfxMessages } from '../../src/trace/export';
import { readTraceInput } from '../../src/trace/input';
import { smallLine } from './small-line';

const ROOT = join(__dirname, '..', '..', '..');

function standards(): string {
  // The CFX section of the team's shared reference, copied into the repository (fixtures/cfx-standards.md).
  return readFileSync(join(__dirname, 'fixtures', 'cfx-standards.md'), 'utf8');
}

/** Every message of the small line, plus those its day did not produce (fed as records). */
function allMessages(): CfxEnvelope[] {
  const r = readTraceInput(smallLine().dir);
  if (!r.ok) throw new Error(r.detail);
  const out = [...cfxMessages(r.input)].map((m) => JSON.parse(m.json) as CfxEnvelope);
  const s = new CfxStream({ stationId: 9, source: 'SMTWarden.test.station9', lane: 1 });
  const at = Date.UTC(2026, 11, 2, 8);
  const reel = 'RX1';
  const recs: Message[] = [
    { type: 'ReelRecord', body: { uniqueIdentifier: reel, internalPartNumber: 'IPN-9', manufacturerPartNumber: 'TPS548D22RVFR', manufacturer: 'Texas Instruments', manufacturerLotCode: 'L9', quantity: 250, msdLevel: '3', thicknessClass: 'thick', expiryDate: Math.floor(at / 1000) + 86_400 * 300 } },
    { type: 'MsdEvent', body: { at: Math.floor(at / 1000), uniqueIdentifier: reel, event: 'opened', hic10: 'blue', hic60: 'blue' } },
    { type: 'MsdEvent', body: { at: Math.floor(at / 1000) + 600, uniqueIdentifier: reel, event: 'dry-in', rhPct: 5, remainingExposureTime: 160 * 3600 } },
    { type: 'MsdEvent', body: { at: Math.floor(at / 1000) + 7200, uniqueIdentifier: reel, event: 'dry-out' } },
    { type: 'MsdEvent', body: { at: Math.floor(at / 1000) + 9000, uniqueIdentifier: reel, event: 'expired' } },
    { type: 'MsdEvent', body: { at: Math.floor(at / 1000) + 99000, uniqueIdentifier: reel, event: 'restored', remainingExposureTime: 168 * 3600 } },
    { type: 'MsdDisposition', body: { at: Math.floor(at / 1000) + 99100, uniqueIdentifier: reel, action: 'release', operatorIdentifier: 'SV-1', spec: 'J-STD-033 table 4-1' } },
    { type: 'MsdDisposition', body: { at: Math.floor(at / 1000) + 99200, uniqueIdentifier: reel, action: 'scrap', operatorIdentifier: 'SV-1', spec: '' } },
    { type: 'OperatorLogin', body: { at: Math.floor(at / 1000), operatorIdentifier: 'OP-9', role: 'operator' } },
    { type: 'OperatorLogout', body: { at: Math.floor(at / 1000), operatorIdentifier: 'OP-9' } },
    { type: 'SlotUnloaded', body: { at: Math.floor(at / 1000), locationIdentifier: 'B1', uniqueIdentifier: reel, remainingQuantity: 12, setupGeneration: 3 } },
  ];
  recs.forEach((m, i) => out.push(...s.push({ seq: 1000 + i, at: at + i * 1000, message: m })));
  return out;
}

const keys = (v: unknown, out = new Set<string>()): Set<string> => {
  if (Array.isArray(v)) v.forEach((x) => keys(x, out));
  else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) (out.add(k), keys(x, out));
  return out;
};
const values = (v: unknown, out = new Set<string>()): Set<string> => {
  if (Array.isArray(v)) v.forEach((x) => values(x, out));
  else if (typeof v === 'object' && v !== null) Object.values(v).forEach((x) => values(x, out));
  else if (typeof v === 'string') out.add(v.replace(/, CFX$/, '').split('.').pop()!);
  return out;
};

let messages: CfxEnvelope[];
beforeAll(() => {
  messages = allMessages();
});

describe('CFX messages', () => {
  it('use only CFX message names; all but one are in standards.md, StationStateChanged is from the SDK source', () => {
    const doc = standards();
    const names = new Set(messages.map((m) => m.MessageName));
    expect([...names].sort()).toEqual([...CFX_MESSAGE_NAMES].sort());
    const inDoc = (n: string) => {
      const short = n.split('.').pop()!;
      const ns = n.split('.').slice(-2, -1)[0]!;
      return doc.includes(n) || doc.includes(`\`${short}\``) || doc.includes(`${ns}.${short}`) || (short.endsWith('Deactivated') && doc.includes(`${short.replace('Deactivated', 'Activated')}/Deactivated`));
    };
    expect([...names].filter((n) => !inDoc(n))).toEqual(['CFX.ResourcePerformance.StationStateChanged']);
  });

  it('carry the key fields standards.md lists for each message, with the SDK names', () => {
    const doc = standards();
    const rows = doc.split('\n').filter((l) => l.startsWith('| `'));
    // Words in the table that are type names, enum values we do not emit, or prose, not fields.
    const notFields = new Set(['MaterialPackageDetail', 'MaterialPackageMSDData', 'MaterialLocation', 'TimeSpan', 'There', 'MSDExposure', 'These', 'Vendor', 'PN', 'Initial', 'ManufactureDate', 'ReceivedDate', 'MaterialData', 'Leading', 'TrailingMaterialPackage', 'SMDTapeFeeder', 'BaseUniqueIdentifier', 'LaneNumber', 'TapeWidth', 'TapePitch', 'NeverOpened', 'MSL1', 'MSL2', 'MSL2A', 'MSL4', 'MSL5', 'MSL5A', 'MSL6', 'Unspecified', 'SuspectedProblem', 'Defective', 'ExpiredTool', 'Stage', 'Blocked', 'Depleted', 'First', 'MSD', 'Modified', 'ModifiedBy']);
    // Fields the table gives for a message of the same row that we do not emit (RecipeModified's Reason, the Block response's list; Operator is Blocker's type).
    const otherMessage: Readonly<Record<string, readonly string[]>> = { 'CFX.Production.RecipeActivated': ['Reason'], 'CFX.Materials.Management.BlockMaterialsRequest': ['MaterialsPackagesNotBlocked', 'Operator'] };
    let checked = 0;
    const names = [...new Set(messages.map((m) => m.MessageName))];
    for (const row of rows) {
      // A row may cover several messages (`MaterialsLoaded` / `MaterialsUnloaded`): its fields are theirs together.
      const head = row.split('|')[1]!.replace(/(\w+)Activated\/Deactivated/g, '$1Activated` `$1Deactivated');
      const mine = names.filter((n) => new RegExp(`[.\`/ ]${n.split('.').pop()!}[\`/]`).test(head));
      if (mine.length === 0) continue;
      const fields = (row.split('|')[2] ?? '').match(/[A-Z][A-Za-z0-9]+/g) ?? [];
      const ours = messages.filter((m) => mine.includes(m.MessageName));
      const k = keys(ours.map((m) => m.MessageBody));
      const v = values(ours.map((m) => m.MessageBody));
      const absent = fields.filter((f) => !notFields.has(f) && !k.has(f) && !v.has(f) && !mine.some((n) => n.endsWith(f) || otherMessage[n]?.includes(f)));
      expect({ mine, absent }).toEqual({ mine, absent: [] });
      checked += mine.length;
    }
    // Every message but StationStateChanged (not in the table) was checked.
    expect(checked).toBe(CFX_MESSAGE_NAMES.length - 1);
  });

  it('MaterialsLoaded has exactly the shape the CFX SDK serializes (tools/bench/cfx/MaterialsLoaded.json)', () => {
    const sdk = JSON.parse(readFileSync(join(ROOT, 'tools', 'bench', 'cfx', 'MaterialsLoaded.json'), 'utf8')) as CfxEnvelope & { MessageBody: { Materials: { CarrierInformation: unknown }[] } };
    const ours = messages.find((m) => m.MessageName === 'CFX.Materials.Storage.MaterialsLoaded')! as typeof sdk;
    expect(Object.keys(ours)).toEqual(Object.keys(sdk));
    expect(Object.keys(ours.MessageBody)).toEqual(Object.keys(sdk.MessageBody));
    const a = { ...ours.MessageBody.Materials[0]!, CarrierInformation: null };
    const b = { ...sdk.MessageBody.Materials[0]!, CarrierInformation: null };
    expect([...keys(a)].sort()).toEqual([...keys(b)].sort());
    expect(ours.MessageBody.$type).toBe('CFX.Materials.Storage.MaterialsLoaded, CFX');
  });

  it('write values in the SDK formats: DateTime, TimeSpan, enums as names, GUIDs', () => {
    const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    for (const m of messages) {
      expect(m).toMatchObject({ Version: '2.1', Target: null, RequestID: null });
      expect(m.TimeStamp).toMatch(iso);
      expect(m.UniqueID).toMatch(uuid);
      expect(m.MessageBody.$type).toBe(`${m.MessageName}, CFX`);
    }
    const msd = messages.flatMap((m) => ((m.MessageBody as { Materials?: { MaterialData: Record<string, string | null> | null }[] }).Materials ?? []).flatMap((x) => (x.MaterialData === null || x.MaterialData === undefined ? [] : [x.MaterialData])));
    expect(msd.length).toBeGreaterThan(5);
    for (const d of msd) {
      expect(d['$type']).toBe('CFX.Structures.MaterialPackageMSDData, CFX');
      expect(['Unspecified', 'MSL1', 'MSL2', 'MSL2A', 'MSL3', 'MSL4', 'MSL5', 'MSL5A', 'MSL6']).toContain(d['MSDLevel']);
      expect(['NeverOpened', 'Exposed', 'InDryStorage', 'Expired']).toContain(d['MSDState']);
      if (d['RemainingExposureTime'] !== null) expect(d['RemainingExposureTime']).toMatch(/^(\d+\.)?\d{2}:\d{2}:\d{2}$/);
      for (const k of ['ExpirationDateTime', 'OriginalExposureDateTime', 'LastExposureDateTime']) if (d[k] !== null) expect(d[k]).toMatch(iso);
    }
    expect(msd.some((d) => d['RemainingExposureTime'] === '6.16:00:00')).toBe(true);
    const installed = messages.filter((m) => m.MessageName.endsWith('MaterialsInstalled'));
    const ids = installed.map((m) => (m.MessageBody as unknown as { TransactionId: string }).TransactionId);
    expect(new Set(ids).size).toBe(ids.length);
    const im = (installed[0]!.MessageBody as unknown as { InstalledMaterials: { QuantityInstalled: number; InstalledComponents: { ReferenceDesignator: string }[] }[] }).InstalledMaterials;
    expect(im.every((x) => x.QuantityInstalled === x.InstalledComponents.length && x.QuantityInstalled > 0)).toBe(true);
  });

  it('UniqueIDs are unique and the same record always gives the same id', () => {
    const ids = messages.map((m) => m.UniqueID);
    expect(new Set(ids).size).toBe(ids.length);
    expect(allMessages().map((m) => m.UniqueID)).toEqual(ids);
    expect(cfxUniqueId('SMTWarden.a.station7', 7, 1)).not.toBe(cfxUniqueId('SMTWarden.b.station7', 7, 1));
    expect(cfxUniqueId('S', 7, 1, 0)).not.toBe(cfxUniqueId('S', 7, 1, 1));
  });

  it('a ReelIdentified sends nothing of its own (CFX has no date code); its label maker and MSL name a reel the host sent no record of', () => {
    const s = new CfxStream({ stationId: 9, source: 'SMTWarden.test.station9', lane: 1 });
    const at = Date.UTC(2026, 11, 2, 8);
    const t = Math.floor(at / 1000);
    const label: Message = { type: 'ReelIdentified', body: { at: t, locationIdentifier: 'B1', uniqueIdentifier: 'RX2', labelFormat: 'eigp114-generic', manufacturer: 'Texas Instruments', dateCode: '2331', msdLevel: '3' } };
    expect(s.push({ seq: 1, at, message: label })).toEqual([]);
    const [opened] = s.push({ seq: 2, at: at + 1000, message: { type: 'MsdEvent', body: { at: t + 1, uniqueIdentifier: 'RX2', event: 'opened' } } });
    const d = (opened!.MessageBody as unknown as { Materials: { Manufacturer: string; ManufactureDate: null; MaterialData: { MSDLevel: string } }[] }).Materials[0]!;
    expect(d.Manufacturer).toBe('Texas Instruments');
    expect(d.MaterialData.MSDLevel).toBe('MSL3');
    expect(d.ManufactureDate).toBeNull();
  });

  it('TimeSpan and DateTime formats round-trip', () => {
    for (const s of [0, 59, 3600, 86_399, 86_400, 6 * 86_400, 168 * 3600 + 61]) expect(parseCfxTimeSpan(cfxTimeSpan(s))).toBe(s);
    expect(cfxTimeSpan(6 * 86_400)).toBe('6.00:00:00');
    expect(cfxTimeSpan(3 * 3600 + 5)).toBe('03:00:05');
    expect(cfxDateTime(Date.UTC(2026, 0, 2, 3, 4, 5))).toBe('2026-01-02T03:04:05Z');
    expect(cfxDateTime(Date.UTC(2026, 0, 2, 3, 4, 5, 500))).toBe('2026-01-02T03:04:05.5Z');
  });
});
