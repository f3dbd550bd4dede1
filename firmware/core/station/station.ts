// The station's decisions as one pure step: state + input + facts → new state, journal records and a reply.
// Time arrives in the facts. Nothing here does I/O; the runtime (firmware/runtime) journals the records before
// it drives the outputs or answers anyone, so every decision is on flash before it takes effect.
import type { Message, MessageBody } from '../../../protocol/src/messages';
import { encodePayload } from '../../../protocol/src/frame';
import { utf8Encode } from '../../../protocol/src/utf8';
import { plcWriteRecord } from '../../../protocol/src/modbus/journal';
import { prototypeTermsProblem, type WorkOrder } from '../../../protocol/src/workorder';
import { parseLabel } from '../label/parse';
import { applyLayoutLoad, applyLayoutRemove, EMPTY_LAYOUT_SET } from '../label/layout-set';
import type { LabelResult, ReelLabel } from '../label/types';
import { applyTableBlock } from '../msl/table-load';
import { SHIPPED_TABLES } from '../msl/env';
import type { MslEvent } from '../msl/types';
import { createSetup, heldReel, step as setupStep } from '../setup/setup';
import { setupConfig } from '../setup/config';
import { identify } from '../setup/identify';
import { slotAt, slotsApproving } from '../setup/order';
import { fit } from '../setup/effects';
import type { SetupEvent, SetupState, StepResult } from '../setup/types';
import { acknowledge, clear, raise, unackedCritical } from './alarms';
import type { StationConfig } from './config';
import { bagOpened, broadcast, disposition, fromHostEvent, fromHostRecord, msdLookup, reelView, sharingReelViews, type BookResult } from './msd';
import { login, mayDo, mayLoad, operatorId, putBadge, type Right } from './operators';
import { evaluate, msdWarnings, OVERRIDABLE, sensorStale } from './permit';
import { firstOffAgain, sameProgram } from './program';
import { classify } from './scan';
import { classifyReading } from './sensor';
import type { CoreState, Decision, Facts, HostMessage, ManualEntry, OrderTerms, Reject, Reply, StationInput } from './types';
import { frozen } from '../../../protocol/src/frozen';

const secs = (ms: number) => Math.floor(ms / 1000);

/** A fresh station: nothing loaded, nobody logged in, clock as the RTC says. */
export function createCore(config: StationConfig, clock: CoreState['clock'], mono: number): CoreState {
  return {
    config,
    setup: createSetup(setupConfigOf(config, false)),
    order: undefined,
    msd: new Map(),
    tables: SHIPPED_TABLES,
    layouts: EMPTY_LAYOUT_SET,
    program: undefined,
    firstOff: { phase: 'not-required' },
    operator: undefined,
    badges: new Map(),
    overrides: [],
    requests: [],
    alarms: [],
    clock,
    hold: undefined,
    plc: { lastBeatMono: mono, lost: false },
    sensor: { status: 'none' },
    boards: 0,
    nextBoardId: undefined,
    command: undefined,
    recovering: false,
    seq: { manual: 1, request: 1 },
    permit: { on: false, reasons: [] },
  };
}

export function setupConfigOf(c: StationConfig, prototype: boolean) {
  const r = setupConfig({
    pairingTimeoutMs: c['timeouts.pairingMs'],
    minQuantity: c['setup.minQuantity'],
    // Quick assign on a prototype order is exactly a reel taken without a host record.
    requireHostRecord: c['setup.requireHostRecord'] && !prototype,
    requireManufacturer: c['setup.requireManufacturer'],
    primaryOnly: c['setup.primaryOnly'],
    maxSlots: Math.max(1, c.maxSlots),
    maxReelRecords: c['setup.maxReelRecords'],
  });
  if (!r.ok) throw new Error(r.detail); // the station config's ranges are inside setup's: unreachable
  return r.config;
}

// ---- results -----------------------------------------------------------------------------------------------

type Draft = { state: CoreState; records: Message[] };

const ok = (outcome: string, detail: string, extra: Partial<Reply> = {}): Reply => ({ ok: true, reason: 'OK', outcome, detail, ...extra });
const no = (reason: Reject, detail: string, extra: Partial<Reply> = {}): Reply => ({ ok: false, reason, outcome: 'refused', detail, ...extra });

/**
 * Applies one input. Never throws: an unexpected exception comes back as INTERNAL_ERROR with the state as it was.
 * After every input the permit is decided again; a change journals InterlockChanged.
 */
export function decide(s: CoreState, input: StationInput, f: Facts): Decision {
  return sharingReelViews(() => decided(s, input, f));
}

function decided(s: CoreState, input: StationInput, f: Facts): Decision {
  try {
    const d: Draft = { state: s, records: [] };
    const reply = dispatch(d, input, f);
    const setClock = input.kind === 'host' && input.message.type === 'TimeSync' && reply.ok ? input.message.body.utcTime * 1000 + input.message.body.millis : undefined;
    settle(d, setClock === undefined ? f : { ...f, now: setClock });
    return setClock === undefined ? { state: d.state, records: d.records, reply } : { state: d.state, records: d.records, reply, setClock };
  } catch (e) {
    return { state: s, records: [], reply: no('INTERNAL_ERROR', e instanceof Error ? e.message : 'station step failed') };
  }
}

function dispatch(d: Draft, input: StationInput, f: Facts): Reply {
  switch (input.kind) {
    case 'scan':
      return scan(d, input.data, f);
    case 'board':
      return board(d, input.unitId, f);
    case 'program':
      return program(d, { name: input.name, revision: input.revision, checksum: input.checksum }, f);
    case 'sensor':
      return sensor(d, input.reading, f);
    case 'unload':
      return loading(d, f) ?? viaSetup(d, { kind: 'unload', position: input.position, ...(input.remaining === undefined ? {} : { remainingQuantity: input.remaining }) }, f);
    case 'move':
      return loading(d, f) ?? viaSetup(d, { kind: 'feeder-moved', from: input.from, to: input.to }, f);
    case 'splice':
      return loading(d, f) ?? viaSetup(d, { kind: 'splice', position: input.position, scan: readLabel(d, input.data) }, f);
    case 'bag-opened':
      return loading(d, f) ?? openBag(d, readLabel(d, input.data), { ...(input.hic10 === undefined ? {} : { hic10: input.hic10 }), ...(input.hic60 === undefined ? {} : { hic60: input.hic60 }) }, f);
    case 'manual-lot': {
      const who = mayDo(d.state, 'manualLot');
      return who !== undefined ? no(who, 'a technician or above must be logged in to enter a lot by hand') : manualLot(d, input.entry, operatorId(d.state), f);
    }
    case 'logout':
      return logout(d, f);
    case 'override':
      return localOverride(d, input, f);
    case 'override-request':
      return requestOverride(d, input, f);
    case 'first-off': {
      const who = mayDo(d.state, 'firstOff');
      return who !== undefined ? no(who, 'a supervisor must be logged in to record a first-off verdict') : firstOffVerdict(d, input.passed, operatorId(d.state), input.ncr ?? '', undefined, f);
    }
    case 'first-off-restart': {
      const who = mayDo(d.state, 'firstOff');
      return who !== undefined ? no(who, 'a supervisor must be logged in to allow a new first-off') : restartFirstOff(d, operatorId(d.state), input.comment, f);
    }
    case 'ack-alarms': {
      const who = mayDo(d.state, 'ackAlarms');
      return who !== undefined ? no(who, 'a technician or above must be logged in to acknowledge alarms') : ackAlarms(d, operatorId(d.state), f);
    }
    case 'plc': {
      // Every accepted write is journaled, except the watchdog's steady heartbeat: one a second would swamp the
      // journal. A heartbeat is journaled when it (re)starts the watchdog (the first since boot, or after a loss);
      // the loss itself is journaled as the PLC_HEARTBEAT_LOST alarm.
      const restarts = d.state.plc.lastValue === undefined || d.state.plc.lost;
      const reply = plc(d, input.write, f);
      if (reply.ok && (input.write.kind !== 'heartbeat' || restarts) && input.from !== undefined) {
        d.records.unshift({ type: 'PlcWriteAccepted', body: plcWriteRecord(input.write, input.from, secs(f.now)) });
      }
      return reply;
    }
    case 'host':
      return host(d, input.message, f);
    case 'work-order':
      return workOrder(d, input.order, input.terms, input.digest, f);
    case 'tick':
      return tick(d, f);
  }
}

/** A scan read with the built-in layouts and those the host loaded. */
function readLabel(d: Draft, data: string): LabelResult {
  return parseLabel(data, { layouts: d.state.layouts });
}

function loading(d: Draft, _f: Facts): Reply | undefined {
  const why = mayLoad(d.state);
  return why === undefined ? undefined : no(why, why === 'OPERATOR_REQUIRED' ? 'scan your badge first' : 'your role may not load reels');
}

// ---- setup ---------------------------------------------------------------------------------------------------

function setupEnv(s: CoreState, now: number) {
  return { msdStatus: msdLookup(s, now) };
}

function runSetup(d: Draft, e: SetupEvent, f: Facts): StepResult {
  const r = setupStep(d.state.setup, e, f.now, setupEnv(d.state, f.now));
  // A setup step that changed nothing (most ticks) keeps the state object as it is.
  if (r.state !== d.state.setup) d.state = { ...d.state, setup: r.state };
  for (const x of r.effects) d.records.push(x.message);
  return r;
}

function replyOf(r: StepResult): Reply {
  const v = r.verdict;
  const extra = { ...(v.position === undefined ? {} : { position: v.position }), ...(v.reelKey === undefined ? {} : { reelKey: v.reelKey }) };
  return v.ok ? ok(v.outcome, v.detail, extra) : no(v.reason, v.detail, extra);
}

function viaSetup(d: Draft, e: SetupEvent, f: Facts): Reply {
  return replyOf(runSetup(d, e, f));
}

/** Recheck the slot a reel sits on, after a late fact about it. */
function recheckReel(d: Draft, key: string, f: Facts): void {
  const order = d.state.setup.order;
  if (order === undefined) return;
  d.state.setup.slots.forEach((slot, i) => {
    if (heldReel(slot)?.facts.key === key) runSetup(d, { kind: 'recheck', position: order.order.slots[i]!.position }, f);
  });
}

// ---- scans ---------------------------------------------------------------------------------------------------

function scan(d: Draft, data: string, f: Facts): Reply {
  const s = d.state;
  const c = classify(s, data);
  const cmd = s.command;
  switch (c.kind) {
    case 'badge':
      return badgeLogin(d, c.badge, f);
    case 'bad-command':
      return no('SCAN_UNREADABLE', `${c.text} is not a command; see \`warden station commands\``);
    case 'command':
      return command(d, c.name, c.arg, f);
    case 'board':
      d.state = { ...s, nextBoardId: fit(c.unitId, 40) };
      return ok('board-id', `the next board is ${c.unitId}`);
    case 'program':
      return program(d, c.report, f);
    case 'bad-program':
      return no('SCAN_UNREADABLE', `${c.text}: a program label reads ${s.config['scan.programPrefix']}name|revision|checksum-hex`);
    case 'slot': {
      if (cmd !== undefined && (cmd.name === 'unload' || cmd.name === 'splice' || cmd.name === 'move')) return commandSlot(d, c.position, f);
      return loading(d, f) ?? viaSetup(d, { kind: 'scan-slot', position: c.position }, f);
    }
    case 'reel': {
      if (cmd !== undefined && (cmd.name === 'open' || cmd.name === 'open-dry')) {
        d.state = { ...d.state, command: undefined };
        return loading(d, f) ?? openBag(d, readLabel(d, c.data), cmd.name === 'open-dry' ? { hic10: 'blue', hic60: 'blue' } : {}, f);
      }
      if (cmd !== undefined && cmd.name === 'splice' && cmd.first !== undefined) {
        d.state = { ...d.state, command: undefined };
        return loading(d, f) ?? viaSetup(d, { kind: 'splice', position: cmd.first, scan: readLabel(d, c.data) }, f);
      }
      return loading(d, f) ?? reelScan(d, c.data, f);
    }
  }
}

function reelScan(d: Draft, data: string, f: Facts): Reply {
  const label = readLabel(d, data);
  const s = d.state;
  if (!label.ok) {
    journalScan(d, data, label.reason === 'OK' ? 'SCAN_UNREADABLE' : label.reason, f);
    return no(label.reason === 'OK' ? 'SCAN_UNREADABLE' : label.reason, label.message);
  }
  const order = s.setup.order;
  // Prototype orders: a reel scanned without a slot goes to the one open BOM line its part fits (quick assign).
  if (order !== undefined && s.order?.terms.prototype === true && s.setup.pending?.kind !== 'slot') {
    const id = identify(label.label, s.setup.reels, s.setup.config);
    if (id.ok) {
      const open = slotsApproving(order, id.facts, -1).filter((p) => {
        const i = slotAt(order, p);
        return i !== undefined && s.setup.slots[i]?.status !== 'verified';
      });
      if (open.length !== 1) {
        const r = replyOf(runSetup(d, { kind: 'scan-reel', scan: label }, f));
        return r.ok ? { ...r, detail: `${r.detail} (quick assign: ${open.length === 0 ? 'no open BOM line takes this part' : `${open.length} open lines take it`}; scan the slot)` } : r;
      }
      const r = runSetup(d, { kind: 'assign', position: open[0]!, scan: label }, f);
      if (r.verdict.ok) {
        d.records.push({
          type: 'QuickAssigned',
          body: { at: secs(f.now), locationIdentifier: open[0]!, uniqueIdentifier: id.facts.key, manufacturerPartNumber: fit(id.facts.mpn, 40), operatorIdentifier: operatorId(d.state) },
        });
      }
      return replyOf(r);
    }
  }
  const r = runSetup(d, { kind: 'scan-reel', scan: label }, f);
  if (!r.verdict.ok) journalScan(d, data, r.verdict.reason, f);
  return replyOf(r);
}

/** A refused reel scan is journaled with its raw bytes (as many as fit): evidence of what was attempted. */
function journalScan(d: Draft, data: string, result: Reject, f: Facts): void {
  const bytes = utf8Encode(data).subarray(0, 160);
  d.records.push({ type: 'ScanEvent', body: { at: secs(f.now), source: 'reel', data: bytes, result, format: '' } });
}

function command(d: Draft, name: NonNullable<CoreState['command']>['name'], arg: string | undefined, f: Facts): Reply {
  switch (name) {
    case 'cancel':
      d.state = { ...d.state, command: undefined, setup: { ...d.state.setup, pending: undefined } };
      return ok('cancelled', 'command and half-done scan pair forgotten');
    case 'logout':
      d.state = { ...d.state, command: undefined };
      return logout(d, f);
    case 'ack': {
      d.state = { ...d.state, command: undefined };
      const who = mayDo(d.state, 'ackAlarms');
      return who !== undefined ? no(who, 'a technician or above must be logged in to acknowledge alarms') : ackAlarms(d, operatorId(d.state), f);
    }
    case 'first-off-pass':
    case 'first-off-fail': {
      d.state = { ...d.state, command: undefined };
      const who = mayDo(d.state, 'firstOff');
      if (who !== undefined) return no(who, 'a supervisor must be logged in to record a first-off verdict');
      if (name === 'first-off-fail' && (arg === undefined || arg === '')) return no('FIELD_OUT_OF_RANGE', 'a failed first-off needs its NCR reference: CMD:FIRSTOFF-FAIL:<NCR>');
      return firstOffVerdict(d, name === 'first-off-pass', operatorId(d.state), arg ?? '', undefined, f);
    }
    default:
      d.state = { ...d.state, command: { name, at: f.mono } };
      return ok('pending', commandHint(name));
  }
}

function commandHint(name: string): string {
  switch (name) {
    case 'open':
    case 'open-dry':
      return 'scan the reel whose bag you opened';
    case 'unload':
      return 'scan the slot you took the reel off';
    case 'splice':
      return 'scan the slot, then the new reel';
    default:
      return 'scan the slot the feeder left, then the slot it went to';
  }
}

function commandSlot(d: Draft, position: string, f: Facts): Reply {
  const cmd = d.state.command!;
  if (cmd.name === 'unload') {
    d.state = { ...d.state, command: undefined };
    return loading(d, f) ?? viaSetup(d, { kind: 'unload', position }, f);
  }
  if (cmd.first === undefined) {
    d.state = { ...d.state, command: { ...cmd, first: position, at: f.mono } };
    return ok('pending', cmd.name === 'splice' ? `scan the new reel for ${position}` : `scan the slot the feeder from ${position} went to`, { position });
  }
  d.state = { ...d.state, command: undefined };
  if (cmd.name === 'move') return loading(d, f) ?? viaSetup(d, { kind: 'feeder-moved', from: cmd.first, to: position }, f);
  return no('SCAN_UNREADABLE', `splice on ${cmd.first}: scan the new reel, not a slot`);
}

// ---- operators -------------------------------------------------------------------------------------------------

function badgeLogin(d: Draft, badge: string, f: Facts): Reply {
  const op = login(d.state.badges, badge, f.now);
  if (op === undefined) return no('OPERATOR_UNKNOWN', `badge ${fit(badge, 24)} is not known here; ask the host to send it`);
  const prev = d.state.operator;
  if (prev !== undefined && prev.id === op.id) return ok('login', `${op.id} is already logged in`);
  if (prev !== undefined) d.records.push({ type: 'OperatorLogout', body: { at: secs(f.now), operatorIdentifier: prev.id } });
  d.state = { ...d.state, operator: op };
  d.records.push({ type: 'OperatorLogin', body: { at: secs(f.now), operatorIdentifier: op.id, role: op.role } });
  return ok('login', `${op.id} logged in as ${op.role}`);
}

function logout(d: Draft, f: Facts): Reply {
  const op = d.state.operator;
  if (op === undefined) return ok('logout', 'nobody was logged in');
  d.state = { ...d.state, operator: undefined };
  d.records.push({ type: 'OperatorLogout', body: { at: secs(f.now), operatorIdentifier: op.id } });
  return ok('logout', `${op.id} logged out`);
}

// ---- boards, program, first-off ------------------------------------------------------------------------------------

function board(d: Draft, unitId: string | undefined, f: Facts): Reply {
  const s = d.state;
  // Judged by the relay as driven, not by the rules re-evaluated now: a rule that lapsed since the last input has
  // not stopped the machine yet, and BOARD_WITHOUT_PERMIT means the machine built while its relay was off.
  const permitOn = f.relayOn;
  const id = fit((unitId ?? s.nextBoardId ?? `S${s.config.stationId}-${s.boards + 1}`).trim() || `S${s.config.stationId}-${s.boards + 1}`, 40);
  const order = s.setup.order;
  const msdRemaining: { slotIndex: number; remainingExposureTime: number }[] = [];
  if (order !== undefined) {
    order.order.slots.forEach((slot, i) => {
      const st = s.setup.slots[i];
      if (!slot.msd || st?.status !== 'verified' || msdRemaining.length >= 31) return;
      const r = reelView(s, st.reel.facts.key, f.now);
      const h = r?.view.remainingHours;
      msdRemaining.push({ slotIndex: i, remainingExposureTime: r === undefined || r.hostBlock !== undefined || h === undefined ? 0 : h === null ? 0xffffffff : Math.min(0xfffffffe, Math.floor(h * 3600)) });
    });
  }
  const firstOff = permitOn && s.firstOff.phase === 'one-board';
  d.records.push({
    type: 'BoardTrace',
    body: { at: secs(f.now), unitIdentifier: id, setupGeneration: s.setup.generation, lane: s.config.lane, firstOff, permitOn, msdRemaining },
  });
  const orderState = s.order === undefined ? undefined : { ...s.order, boards: s.order.boards + 1 };
  d.state = { ...s, boards: s.boards + 1, order: orderState, nextBoardId: undefined };
  if (!permitOn) {
    const view = evaluate(s, f);
    const a = raise(d.state.alarms, 'BOARD_WITHOUT_PERMIT', 'critical', `board ${id} built while the permit was off (${view.reasons[0] ?? ''})`, f.now);
    d.state = { ...d.state, alarms: a.alarms };
    if (a.record !== undefined) d.records.push({ type: 'Alarm', body: a.record });
    return no('BOARD_WITHOUT_PERMIT', `board ${id} recorded, but the run permit was off: ${view.reasons.join(', ')}`);
  }
  if (firstOff && order !== undefined) {
    d.state = { ...d.state, firstOff: { phase: 'awaiting', unitId: id, at: f.now } };
    d.records.push({ type: 'FirstOffRequest', body: { at: secs(f.now), workOrderIdentifier: order.order.header.workOrderIdentifier, unitIdentifier: id } });
    return ok('first-off', `board ${id} is the first-off board: inspect it; the station holds until the verdict`);
  }
  return ok('recorded', `board ${id} recorded`);
}

function program(d: Draft, p: { name: string; revision: string; checksum: number }, f: Facts): Reply {
  const s = d.state;
  const report = { name: fit(p.name, 40), revision: fit(p.revision, 16), checksum: p.checksum >>> 0, at: f.now };
  if (sameProgram(s.program, report)) return ok('program', `${report.name} rev ${report.revision} (unchanged)`);
  const changed = s.program !== undefined;
  d.state = { ...s, program: report };
  d.records.push({ type: 'ProgramReport', body: { at: secs(f.now), recipeName: report.name, recipeRevision: report.revision, recipeChecksum: report.checksum } });
  if (changed && s.setup.order !== undefined) {
    // A program change under a running order must prove itself again on one board.
    d.state = { ...d.state, firstOff: firstOffAgain(d.state, f.now) };
  }
  if (changed && s.setup.order !== undefined && (s.order?.boards ?? 0) > 0) {
    const a = raise(d.state.alarms, 'PROGRAM_CHANGED', 'warning', `program changed to ${report.name} rev ${report.revision}: first-off again`, f.now);
    d.state = { ...d.state, alarms: a.alarms };
    if (a.record !== undefined) d.records.push({ type: 'Alarm', body: a.record });
  }
  return ok('program', `${report.name} rev ${report.revision}`);
}

function firstOffVerdict(d: Draft, passed: boolean, by: string, ncr: string, unitId: string | undefined, f: Facts): Reply {
  const fo = d.state.firstOff;
  if (fo.phase !== 'awaiting') return no('UNEXPECTED_MESSAGE', 'no first-off board is waiting for a verdict');
  if (unitId !== undefined && unitId !== fo.unitId) return no('UNEXPECTED_MESSAGE', `the first-off board is ${fo.unitId}, not ${unitId}`);
  d.state = { ...d.state, firstOff: passed ? { phase: 'passed', unitId: fo.unitId, by } : { phase: 'failed', unitId: fo.unitId, by, ncr } };
  d.records.push({
    type: 'FirstOffResult',
    body: { at: secs(f.now), unitIdentifier: fo.unitId, passed, inspector: fit(by, 24), reason: passed ? 'OK' : 'FIRST_OFF_FAILED', comment: fit(ncr, 64) },
  });
  return passed ? ok('first-off', `first-off ${fo.unitId} passed`) : ok('first-off', `first-off ${fo.unitId} failed (${ncr}): the station holds`);
}

function restartFirstOff(d: Draft, by: string, comment: string, f: Facts): Reply {
  if (d.state.firstOff.phase !== 'failed') return no('UNEXPECTED_MESSAGE', 'only a failed first-off can be restarted');
  d.state = { ...d.state, firstOff: firstOffAgain(d.state, f.now) };
  d.records.push({ type: 'FirstOffRestart', body: { at: secs(f.now), operatorIdentifier: fit(by, 24), comment: fit(comment, 64) } });
  return ok('first-off', 'one more first-off board may be built');
}

// ---- work orders ---------------------------------------------------------------------------------------------------

function workOrder(d: Draft, order: WorkOrder, terms: OrderTerms, digest: number, f: Facts): Reply {
  const s = d.state;
  const prev = s.setup.order?.order;
  const sameId = prev !== undefined && prev.header.workOrderIdentifier.trim() === order.header.workOrderIdentifier.trim();
  if (s.config.role === 'reflow' && order.slots.length > 0) return no('LIMIT_EXCEEDED', 'a reflow station takes work orders without slots');
  // Quick assign (reels without a host record) only for a run the station stops within 5 boards.
  const proto = prototypeTermsProblem(terms);
  if (proto !== undefined) return no('PROTOTYPE_QUANTITY_INVALID', proto.detail);
  // The prototype flag decides whether quick assign may take reels without a host record.
  const setup: SetupState = { ...s.setup, config: setupConfigOf(s.config, terms.prototype) };
  d.state = { ...s, setup };
  const gen = setup.generation;
  const r = runSetup(d, { kind: 'work-order', order }, f);
  if (!r.verdict.ok) {
    d.state = { ...d.state, setup: { ...d.state.setup, config: s.setup.config } };
    return replyOf(r);
  }
  const h = order.header;
  const recipeChanged = prev === undefined || prev.header.recipeName !== h.recipeName || prev.header.recipeRevision !== h.recipeRevision || prev.header.recipeChecksum !== h.recipeChecksum;
  const slotsChanged = d.state.setup.generation !== gen;
  const fresh = !sameId;
  d.state = {
    ...d.state,
    order: { terms, digest, activatedAt: f.now, boards: fresh || s.order === undefined ? 0 : s.order.boards },
    firstOff: fresh || recipeChanged || slotsChanged ? firstOffAgain(d.state, f.now) : d.state.firstOff,
  };
  d.records.push({
    type: 'WorkOrderActivated',
    body: {
      at: secs(f.now),
      workOrderIdentifier: h.workOrderIdentifier,
      productIdentifier: h.productIdentifier,
      bomRevision: h.bomRevision,
      recipeName: h.recipeName,
      recipeRevision: h.recipeRevision,
      recipeChecksum: h.recipeChecksum,
      slotCount: order.slots.length,
      digest: digest >>> 0,
      prototype: terms.prototype,
      plannedQuantity: terms.plannedQuantity,
    },
  });
  return replyOf(r);
}

// ---- MSD -------------------------------------------------------------------------------------------------------------

function setBook(d: Draft, r: BookResult): Reply | undefined {
  if (!r.ok) return no(r.reason, r.detail);
  d.state = { ...d.state, msd: r.book };
  return undefined;
}

function openBag(d: Draft, scan: LabelResult, hic: { hic10?: 'blue' | 'pink'; hic60?: 'blue' | 'pink' }, f: Facts): Reply {
  if (!scan.ok) return no(scan.reason === 'OK' ? 'SCAN_UNREADABLE' : scan.reason, scan.message);
  const s = d.state;
  const id = identify(scan.label, s.setup.reels, s.setup.config);
  if (!id.ok) return no(id.reason, id.detail);
  const order = s.setup.order;
  let cls: 'unknown' | 'thick' | 'medium' | 'thin' = 'unknown';
  if (order !== undefined) {
    const classes = new Set(slotsApproving(order, id.facts, -1).map((p) => order.order.slots[slotAt(order, p)!]!.thicknessClass));
    if (classes.size === 1) cls = [...classes][0]!;
  }
  const failed = setBook(d, bagOpened(s, id.facts, scan.label.msl, cls, hic, f.now));
  if (failed !== undefined) return failed;
  d.records.push({
    type: 'MsdEvent',
    body: { at: secs(f.now), uniqueIdentifier: id.facts.key, event: 'opened', ...hic, operatorIdentifier: operatorId(d.state) },
  });
  recheckReel(d, id.facts.key, f);
  return ok('opened', `${id.facts.key}: floor life runs from now${hic.hic10 === undefined ? ' (humidity card not read)' : ''}`, { reelKey: id.facts.key });
}

// ---- sensor --------------------------------------------------------------------------------------------------------

function sensor(d: Draft, reading: { ok: true; tempC: number; rhPct: number } | { ok: false; detail: string }, f: Facts): Reply {
  const s = d.state;
  const judged = classifyReading(reading);
  const prev = s.sensor;
  if (judged.status === 'ok') {
    const r = reading as { ok: true; tempC: number; rhPct: number };
    const wasOk = prev.status === 'ok' && !sensorStale(s, f);
    const msd = broadcast(
      { ...s, msd: wasOk ? s.msd : broadcast(s, (t) => ({ type: 'sensor-ok', sensor: 'floor', at: Math.max(f.now, t.at ?? f.now) })) },
      (t) => ({ type: 'ambient', at: Math.max(f.now, t.at ?? f.now), tempC: r.tempC, rhPct: r.rhPct }),
    );
    d.state = { ...s, msd, sensor: { ...prev, status: 'ok', lastValidMono: f.mono, last: { tempC: r.tempC, rhPct: r.rhPct } } };
  } else {
    if (prev.status === 'ok') {
      // The last valid sample holds from when it was taken: the engine's staleness counts from there.
      const lostAt = f.now - (f.mono - (prev.lastValidMono ?? f.mono));
      d.state = { ...s, msd: broadcast(s, (t) => ({ type: 'sensor-lost', sensor: 'floor', at: Math.max(lostAt, t.at ?? lostAt) }) as MslEvent) };
    }
    d.state = { ...d.state, sensor: { ...d.state.sensor, status: judged.status } };
  }
  recordSensor(d, judged.status, reading, judged.detail, f);
  return judged.status === 'ok' ? ok('sample', judged.detail) : no('SENSOR_FAULT', judged.detail);
}

function recordSensor(d: Draft, status: 'ok' | 'implausible' | 'fault' | 'stale', reading: { ok: boolean; tempC?: number; rhPct?: number }, detail: string, f: Facts): void {
  const sn = d.state.sensor;
  const due = sn.lastRecordAt === undefined || f.now - sn.lastRecordAt >= 15 * 60_000;
  if (!due && sn.lastRecorded === status) return;
  const body: MessageBody<'SensorReading'> = { at: secs(f.now), status, detail: fit(detail, 40) };
  const withValues = reading.ok && reading.tempC !== undefined && reading.rhPct !== undefined && encodePayload({ type: 'SensorReading', body: { ...body, tempC: round1(reading.tempC), rhPct: round1(reading.rhPct) } }).ok;
  d.records.push({ type: 'SensorReading', body: withValues ? { ...body, tempC: round1(reading.tempC!), rhPct: round1(reading.rhPct!) } : body });
  d.state = { ...d.state, sensor: { ...d.state.sensor, lastRecordAt: f.now, lastRecorded: status } };
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

// ---- manual entry ------------------------------------------------------------------------------------------------

function manualLot(d: Draft, e: ManualEntry, by: string, f: Facts): Reply {
  const s = d.state;
  const missing = (['mpn', 'manufacturer', 'lot', 'reason'] as const).find((k) => typeof e[k] !== 'string' || e[k].trim() === '');
  if (missing !== undefined) return no('MANUAL_ENTRY_REFUSED', `${missing} is required for a manual lot entry`);
  if (!Number.isInteger(e.quantity) || e.quantity < 0 || e.quantity > 0xffffffff) return no('MANUAL_ENTRY_REFUSED', 'quantity must be a whole number of parts');
  const reelId = `MAN-${s.config.stationId}-${s.seq.manual}`;
  const label: ReelLabel = {
    format: 'manual',
    mpn: e.mpn.trim(),
    manufacturer: e.manufacturer.trim(),
    lot: e.lot.trim(),
    qty: e.quantity,
    reelId,
    ...(e.dateCode === undefined || e.dateCode === '' ? {} : { dateCode: e.dateCode }),
    ...(e.msdLevel === undefined ? {} : { msl: e.msdLevel }),
  };
  const body: MessageBody<'ManualLotEntry'> = {
    at: secs(f.now),
    locationIdentifier: fit(e.position.trim(), 16),
    uniqueIdentifier: reelId,
    manufacturerPartNumber: fit(label.mpn!, 40),
    manufacturer: fit(label.manufacturer!, 32),
    manufacturerLotCode: fit(label.lot!, 32),
    quantity: e.quantity,
    dateCode: fit(e.dateCode ?? '', 16),
    ...(e.msdLevel === undefined ? {} : { msdLevel: e.msdLevel }),
    operatorIdentifier: fit(by, 24),
    reason: fit(e.reason.trim(), 64),
    customerSupplied: e.customerSupplied,
  };
  if (!encodePayload({ type: 'ManualLotEntry', body }).ok) return no('MANUAL_ENTRY_REFUSED', 'a field does not fit its wire limit');
  d.state = { ...s, seq: { ...s.seq, manual: s.seq.manual + 1 } };
  // The entry is journaled before the slot events it causes, so every record of the reel follows its origin.
  const at = d.records.length;
  const r = runSetup(d, { kind: 'assign', position: e.position, scan: { ok: true, label } }, f);
  if (!r.verdict.ok) return replyOf(r);
  d.records.splice(at, 0, { type: 'ManualLotEntry', body });
  if (e.msdLevel !== undefined && e.msdLevel !== '1') {
    const held = heldReel(r.state.slots[slotAt(r.state.order!, e.position)!] ?? { status: 'empty' });
    const failed = held === undefined ? undefined : setBook(d, bagOpened(d.state, held.facts, e.msdLevel, 'unknown', {}, f.now));
    if (failed !== undefined) return failed;
    recheckReel(d, reelId, f);
  }
  return { ...replyOf(r), reelKey: reelId };
}

// ---- overrides -----------------------------------------------------------------------------------------------------

function overrideCheck(s: CoreState, reason: Reject, position: string | undefined, durationMs: number, comment: string): Reply | undefined {
  if (!OVERRIDABLE.includes(reason)) return no('OVERRIDE_NOT_ALLOWED', `${reason} can never be overridden`);
  if (!Number.isInteger(durationMs) || durationMs <= 0 || durationMs > s.config['overrides.maxMs']) {
    return no('FIELD_OUT_OF_RANGE', `an override lasts 1 ms..${s.config['overrides.maxMs'] / 60_000} min`);
  }
  if (comment.trim() === '') return no('FIELD_OUT_OF_RANGE', 'an override needs a reason');
  // A prototype's board limit is what keeps quick assign (reels without the host's record) off a production run.
  if (reason === 'BOARD_LIMIT_REACHED' && s.order?.terms.prototype === true) {
    return no('OVERRIDE_NOT_ALLOWED', 'a prototype order ends at its board limit (at most 5): load a production order to go on');
  }
  if (reason === 'ALTERNATE_NOT_PERMITTED') {
    const order = s.setup.order;
    if (position === undefined || order === undefined || slotAt(order, position) === undefined) return no('SLOT_UNKNOWN', 'an alternate override names a slot of the active order');
  }
  return undefined;
}

function applyOverride(d: Draft, requestId: number, reason: Reject, position: string | undefined, until: number, by: string, f: Facts): Reply {
  if (reason === 'ALTERNATE_NOT_PERMITTED') {
    const r = runSetup(d, { kind: 'override', position: position!, expiresAt: until }, f);
    if (!r.verdict.ok) return replyOf(r);
  }
  const o = { requestId, reason, until, by, ...(position === undefined ? {} : { position }) };
  d.state = { ...d.state, overrides: [...d.state.overrides.filter((x) => x.requestId !== requestId), o].slice(-8), requests: d.state.requests.filter((r) => r.requestId !== requestId) };
  d.records.push({ type: 'OverrideGrant', body: { requestId, granted: true, grantedBy: fit(by, 24), expiresAt: secs(until), reason: 'OK' } });
  return ok('override', `${reason}${position === undefined ? '' : ` on ${position}`} overridden until ${new Date(until).toISOString()}`);
}

function nextRequestId(d: Draft): number {
  const id = d.state.seq.request;
  d.state = { ...d.state, seq: { ...d.state.seq, request: id >= 0xffff ? 1 : id + 1 } };
  return id;
}

function localOverride(d: Draft, o: Extract<StationInput, { kind: 'override' }>, f: Facts): Reply {
  const who = mayDo(d.state, 'grantOverride');
  if (who !== undefined) return no(who, 'a supervisor must be logged in to grant an override');
  const bad = overrideCheck(d.state, o.reason, o.position, o.durationMs, o.comment);
  if (bad !== undefined) return bad;
  const id = nextRequestId(d);
  const by = operatorId(d.state);
  d.records.push({
    type: 'OverrideRequest',
    body: { requestId: id, at: secs(f.now), reason: o.reason, ...(o.position === undefined ? {} : { locationIdentifier: o.position }), operatorIdentifier: fit(by, 24), duration: Math.ceil(o.durationMs / 1000), comment: fit(o.comment, 64) },
  });
  return applyOverride(d, id, o.reason, o.position, f.now + o.durationMs, by, f);
}

function requestOverride(d: Draft, o: Extract<StationInput, { kind: 'override-request' }>, f: Facts): Reply {
  const who = mayDo(d.state, 'requestOverride');
  if (who !== undefined) return no(who, 'scan your badge first');
  const bad = overrideCheck(d.state, o.reason, o.position, o.durationMs, o.comment);
  if (bad !== undefined) return bad;
  const id = nextRequestId(d);
  const req = { requestId: id, reason: o.reason, durationMs: o.durationMs, by: operatorId(d.state), ...(o.position === undefined ? {} : { position: o.position }) };
  d.state = { ...d.state, requests: [...d.state.requests, req].slice(-8) };
  d.records.push({
    type: 'OverrideRequest',
    body: { requestId: id, at: secs(f.now), reason: o.reason, ...(o.position === undefined ? {} : { locationIdentifier: o.position }), operatorIdentifier: fit(req.by, 24), duration: Math.ceil(o.durationMs / 1000), comment: fit(o.comment, 64) },
  });
  return ok('requested', `override request ${id} sent to the host`);
}

function hostGrant(d: Draft, g: MessageBody<'OverrideGrant'>, f: Facts): Reply {
  const req = d.state.requests.find((r) => r.requestId === g.requestId);
  if (req === undefined) return no('UNEXPECTED_MESSAGE', `no override request ${g.requestId} is open`);
  if (!g.granted) {
    d.state = { ...d.state, requests: d.state.requests.filter((r) => r !== req) };
    d.records.push({ type: 'OverrideGrant', body: g });
    return ok('denied', `override request ${g.requestId} denied by ${g.grantedBy}`);
  }
  // The host may shorten an override, never stretch it past what was asked or the station's maximum.
  const until = Math.min(g.expiresAt * 1000, f.now + req.durationMs, f.now + d.state.config['overrides.maxMs']);
  if (until <= f.now) return no('OVERRIDE_EXPIRED', `override ${g.requestId} has already lapsed`);
  return applyOverride(d, req.requestId, req.reason, req.position, until, g.grantedBy || 'host', f);
}

// ---- alarms, PLC -------------------------------------------------------------------------------------------------

/** Alarms about something that happened (not a lasting condition): gone once acknowledged. */
const EVENT_ALARMS: readonly Reject[] = frozen(['BOARD_WITHOUT_PERMIT', 'PROGRAM_CHANGED', 'JOURNAL_CORRUPT', 'JOURNAL_TORN_TAIL', 'LIMIT_EXCEEDED']);

/** `critical` false: a PLC's acknowledgement (Modbus has no identity), which may not clear what holds the permit. */
function ackAlarms(d: Draft, by: string, f: Facts, critical = true): Reply {
  const a = acknowledge(d.state.alarms, critical);
  const held = a.alarms.filter((x) => x.severity === 'critical' && !x.acked).length;
  const still = held === 0 ? '' : `; ${held} critical alarm${held === 1 ? ' holds' : 's hold'} the permit until a technician acknowledges ${held === 1 ? 'it' : 'them'} at the station (CMD:ACK)`;
  if (a.count === 0) return ok('ack', `no alarm was waiting${still}`);
  d.state = { ...d.state, alarms: a.alarms.filter((x) => !(x.acked && EVENT_ALARMS.includes(x.reason))) };
  d.records.push({ type: 'AlarmAck', body: { at: secs(f.now), operatorIdentifier: fit(by, 24), count: a.count } });
  return ok('ack', `${a.count} alarm${a.count === 1 ? '' : 's'} acknowledged${still}`);
}

function plc(d: Draft, w: Extract<StationInput, { kind: 'plc' }>['write'], f: Facts): Reply {
  switch (w.kind) {
    case 'ack-alarms':
      return ackAlarms(d, 'PLC', f, false);
    case 'reverify': {
      const order = d.state.setup.order;
      if (order === undefined) return no('NO_WORK_ORDER', 'no work order is active');
      if (w.slot !== undefined && (w.slot < 0 || w.slot >= order.order.slots.length)) return no('SLOT_UNKNOWN', `slot index ${w.slot} is not in the work order`);
      // A re-verification request takes verification away: the operator scans the reels again.
      const why = 're-verification requested by the PLC: scan the reel again';
      return viaSetup(d, w.slot === undefined ? { kind: 'unverify', why } : { kind: 'unverify', position: order.order.slots[w.slot]!.position, why }, f);
    }
    case 'heartbeat': {
      const p = d.state.plc;
      if (p.lastValue === w.value) return ok('heartbeat', 'unchanged value: not a heartbeat');
      d.state = { ...d.state, plc: { lastValue: w.value, lastBeatMono: f.mono, lost: false } };
      return ok('heartbeat', 'PLC alive');
    }
  }
}

// ---- host messages -------------------------------------------------------------------------------------------------

function host(d: Draft, m: HostMessage, f: Facts): Reply {
  const s = d.state;
  switch (m.type) {
    case 'TimeSync': {
      const t = m.body.utcTime * 1000 + m.body.millis;
      const wasValid = s.clock.valid;
      d.state = { ...s, clock: { valid: true, source: 'host' } };
      if (!wasValid) {
        // The gap nobody saw is charged now (MSL engine: clock-lost … time-sync).
        d.state = { ...d.state, msd: broadcast(d.state, (tr) => ({ type: 'time-sync', at: Math.max(t, tr.at ?? t) })) };
      }
      if (!wasValid || Math.abs(t - f.now) > 2000) d.records.push({ type: 'TimeSync', body: m.body });
      return ok('time', wasValid ? 'clock corrected' : 'clock set: MSD slots may run again');
    }
    case 'ClearWorkOrder': {
      const r = runSetup(d, { kind: 'clear-work-order' }, f);
      d.state = { ...d.state, order: undefined, firstOff: { phase: 'not-required' } };
      d.records.push({ type: 'ClearWorkOrder', body: m.body });
      return replyOf(r);
    }
    case 'ReelRecord': {
      const r = runSetup(d, { kind: 'reel-record', record: m.body }, f);
      if (!r.verdict.ok) return replyOf(r);
      const book = fromHostRecord(d.state, m.body, f.now);
      if (book !== undefined) {
        const failed = setBook(d, book);
        if (failed !== undefined) return failed;
      }
      if (encodePayload(m).ok && encodedLength(m) <= 240) d.records.push(m);
      recheckReel(d, m.body.uniqueIdentifier, f);
      return ok('recorded', `reel ${m.body.uniqueIdentifier} known`);
    }
    case 'MsdEvent': {
      const failed = setBook(d, fromHostEvent(s, m.body, f.now));
      if (failed !== undefined) return failed;
      d.records.push(m);
      recheckReel(d, m.body.uniqueIdentifier, f);
      return ok('msd', `${m.body.uniqueIdentifier}: ${m.body.event}`);
    }
    case 'MsdDisposition': {
      const failed = setBook(d, disposition(s, m.body, f.now));
      if (failed !== undefined) return failed;
      d.records.push(m);
      recheckReel(d, m.body.uniqueIdentifier, f);
      return ok('msd', `${m.body.uniqueIdentifier}: ${m.body.action} by ${m.body.operatorIdentifier}`);
    }
    case 'LabelLayoutLoad':
    case 'LabelLayoutRemove': {
      const r = m.type === 'LabelLayoutLoad' ? applyLayoutLoad(s.layouts, m.body) : applyLayoutRemove(s.layouts, m.body);
      if (!r.ok) return no(r.reason === 'OK' ? 'LABEL_LAYOUT_INVALID' : r.reason, r.detail);
      d.state = { ...s, layouts: r.set };
      return ok('layout', `${m.body.layoutId}: ${m.type === 'LabelLayoutLoad' ? 'loaded' : 'removed'}`);
    }
    case 'MslTableLoad': {
      const r = applyTableBlock(s.tables, m.body);
      if (!r.ok) return no(r.reason === 'OK' ? 'MSD_TABLE_INVALID' : r.reason, r.detail);
      d.state = { ...s, tables: r.tables };
      return ok('table', `${m.body.thicknessClass} MSL ${m.body.msdLevel}: ${m.body.tableVersion}`);
    }
    case 'FirstOffResult':
      return firstOffVerdict(d, m.body.passed, m.body.inspector, m.body.comment, m.body.unitIdentifier, f);
    case 'FirstOffRestart':
      return restartFirstOff(d, m.body.operatorIdentifier, m.body.comment, f);
    case 'OperatorLogin': {
      if (s.operator !== undefined) d.records.push({ type: 'OperatorLogout', body: { at: secs(f.now), operatorIdentifier: s.operator.id } });
      d.state = { ...d.state, operator: { id: m.body.operatorIdentifier, role: m.body.role, since: f.now } };
      d.records.push(m);
      return ok('login', `${m.body.operatorIdentifier} logged in by the host`);
    }
    case 'OperatorLogout':
      if (s.operator?.id !== m.body.operatorIdentifier) return ok('logout', `${m.body.operatorIdentifier} was not logged in`);
      return logout(d, f);
    case 'OverrideGrant':
      return hostGrant(d, m.body, f);
    case 'StationHold':
      d.state = { ...s, hold: m.body.hold ? m.body : undefined };
      d.records.push(m);
      return ok('hold', m.body.hold ? `locked by ${m.body.requestor}: ${m.body.lockReason}` : `unlocked by ${m.body.requestor}`);
    case 'BadgeRecord':
      d.state = {
        ...s,
        badges: putBadge(s.badges, m.body.badge, m.body.active ? { operatorId: m.body.operatorIdentifier, role: m.body.role } : undefined, s.config['operators.maxBadges']),
      };
      return ok('badge', `badge for ${m.body.operatorIdentifier} ${m.body.active ? 'known' : 'withdrawn'}`);
    case 'ManualLotEntry': {
      const b = m.body;
      return manualLot(
        d,
        {
          position: b.locationIdentifier,
          mpn: b.manufacturerPartNumber,
          manufacturer: b.manufacturer,
          lot: b.manufacturerLotCode,
          quantity: b.quantity,
          dateCode: b.dateCode,
          ...(b.msdLevel === undefined ? {} : { msdLevel: b.msdLevel }),
          reason: b.reason,
          customerSupplied: b.customerSupplied,
        },
        b.operatorIdentifier || 'HOST',
        f,
      );
    }
  }
}

function encodedLength(m: Message): number {
  const p = encodePayload(m);
  return p.ok ? p.payload.length : Infinity;
}

// ---- time ----------------------------------------------------------------------------------------------------------

function tick(d: Draft, f: Facts): Reply {
  const s = d.state;
  const r = runSetup(d, { kind: 'tick' }, f);
  const cmd = d.state.command;
  if (cmd !== undefined && f.mono - cmd.at > s.config['timeouts.commandMs']) {
    d.state = { ...d.state, command: undefined };
    return no('COMMAND_TIMEOUT', `the ${cmd.name} command waited too long for its scan; scan it again`);
  }
  return r.verdict.ok ? ok('tick', 'time passed') : replyOf(r);
}

/**
 * What every input ends with: lapsed overrides, watchdogs, condition alarms, re-validation after a restart, and
 * the permit decided again (InterlockChanged journaled when it changes).
 */
function settle(d: Draft, f: Facts): void {
  let s = d.state;
  const lapsed = s.overrides.filter((o) => !(f.now < o.until));
  if (lapsed.length > 0) {
    s = { ...s, overrides: s.overrides.filter((o) => f.now < o.until) };
    for (const o of lapsed) d.records.push({ type: 'OverrideExpired', body: { requestId: o.requestId, at: secs(f.now) } });
  }
  const hb = s.config['timeouts.plcHeartbeatMs'];
  if (hb > 0 && !s.plc.lost && f.mono - s.plc.lastBeatMono > hb) s = { ...s, plc: { ...s.plc, lost: true } };
  if (s.recovering && s.clock.valid && (s.setup.order === undefined || s.program !== undefined)) s = { ...s, recovering: false };
  d.state = s;
  alarmWhile(d, s.plc.lost, 'PLC_HEARTBEAT_LOST', s.config['plc.heartbeatDropsPermit'] ? 'error' : 'warning', 'the PLC stopped writing its heartbeat register', f);
  const stale = sensorStale(d.state, f) && d.state.msd.size > 0;
  alarmWhile(d, d.state.sensor.status === 'implausible' || d.state.sensor.status === 'fault' || stale, 'SENSOR_FAULT', 'error', stale ? 'no valid T/RH sample: worst-case exposure charged' : 'the T/RH sensor gives no plausible reading', f);
  if (stale && d.state.sensor.lastRecorded !== 'stale') recordSensor(d, 'stale', { ok: false }, 'no valid sample within the staleness limit', f);
  alarmWhile(d, f.journal.highWater && !f.journal.full, 'JOURNAL_HIGH_WATER', 'warning', 'journal filling up: the host should collect it', f);
  alarmWhile(d, !d.state.clock.valid, 'CLOCK_INVALID', 'error', 'the clock is not set: waiting for the host', f);
  const warn = new Set(msdWarnings(d.state, f.now));
  const order = d.state.setup.order;
  for (const a of d.state.alarms.filter((x) => x.reason === 'MSD_REMAINING_LOW')) {
    const i = order === undefined || a.position === undefined ? undefined : slotAt(order, a.position);
    if (i === undefined || !warn.has(i)) alarmWhile(d, false, 'MSD_REMAINING_LOW', 'warning', '', f, a.position);
  }
  if (order !== undefined) for (const i of warn) alarmWhile(d, true, 'MSD_REMAINING_LOW', 'warning', `MSD reel on ${order.order.slots[i]!.position} is near its floor-life margin`, f, order.order.slots[i]!.position.trim());
  const v = evaluate(d.state, f);
  const p = d.state.permit;
  if (p.on !== v.on || p.reasons.length !== v.reasons.length || p.reasons.some((r, i) => r !== v.reasons[i])) {
    d.state = { ...d.state, permit: { on: v.on, reasons: v.reasons } };
    d.records.push({ type: 'InterlockChanged', body: { at: secs(f.now), runPermit: v.on, reasons: v.reasons.slice(0, 16) } });
  }
  if (unackedCritical(d.state.alarms) && d.state.permit.on) d.state = { ...d.state, permit: { on: false, reasons: ['ALARM_UNACKNOWLEDGED'] } };
}

function alarmWhile(d: Draft, cond: boolean, reason: Reject, severity: 'info' | 'warning' | 'error' | 'critical', text: string, f: Facts, position?: string): void {
  const a = cond ? raise(d.state.alarms, reason, severity, text, f.now, position) : clear(d.state.alarms, reason, f.now, position);
  if (a.alarms === d.state.alarms) return;
  d.state = { ...d.state, alarms: a.alarms };
  if (a.record !== undefined) d.records.push({ type: 'Alarm', body: a.record });
}

export type { Right };
