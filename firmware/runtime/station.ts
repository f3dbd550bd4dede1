// The station: the imperative shell around the pure core (firmware/core/station). It owns the HAL devices, the
// journal and the state store. Every input goes through one entry point, `input()`: the core decides, the
// decision's records are journaled first, then the changed state parts are checkpointed, then the run-permit
// relay and the stack light are driven, and only then is anyone answered. So nothing the station answered
// (an operator's verdict, a host's Ack) can be lost to a power cut, and the relay never runs ahead of the journal.
import { encodePayload, decodePayload } from '../../protocol/src/frame';
import { MESSAGES, type Message } from '../../protocol/src/messages';
import type { ReasonName } from '../../protocol/src/reasons';
import { PeerCounters, SendCounters } from '../../protocol/src/counters';
import { DEFAULT_MAC_BUDGET, MacBudget } from '../../protocol/src/session';
import type { DeviceIdentity, PlcWrite, StationView } from '../../protocol/src/station-view';
import { utf8Encode } from '../../protocol/src/utf8';
import { configDocument, DEFAULT_CONFIG, parseConfig, type StationConfig } from '../core/station/config';
import { advanced, broadcast, sharingReelViews } from '../core/station/msd';
import { evaluate } from '../core/station/permit';
import * as persist from '../core/station/persist';
import { rollForward } from '../core/station/recover';
import { createCore, decide } from '../core/station/station';
import type { CoreState, Decision, Facts, MsdReel, PermitView, Reply, StationInput } from '../core/station/types';
import type { SlotState } from '../core/setup/types';
import type { Clock, DigitalOut, Flash, RandomBytes, StackLight, ThSensor } from '../platform/hal';
import { Journal, type CursorItem, type JournalMountReport, type JournalStatus } from '../storage/journal';
import { StateStore, type StoreMountReport } from '../storage/store';
import type { JournalEntry } from '../core/trace/replay';
import { storeVault } from './counter-vault';
import { decodeStoredConfig, K, MSD0, STORE_KEYS, storeOptions } from './layout';
import { stationView } from './view';
import { decodeLayoutSet, encodeLayoutSet } from '../core/label/layout-store';
import type { ModbusBackend, WriteOrigin } from '../modbus/backend';

export const FIRMWARE_VERSION = 'warden-fw 0.2.0';

/** The devices a station runs on. The platform's main module opens them and hands them in. */
export interface StationHal {
  /** The journal partition (sized by `journal.kib`). */
  readonly journalFlash: Flash;
  /** The state-store partition (two banks). */
  readonly storeFlash: Flash;
  readonly clock: Clock;
  readonly runPermit: DigitalOut;
  readonly stackLight?: StackLight;
  readonly sensor?: ThSensor;
  readonly random: RandomBytes;
}

export interface Provisioning {
  /** The station's configuration document (see firmware/runtime/README.md); validated before it is stored. */
  readonly config: unknown;
  /** The secret the host shares with this station (≥ 16 bytes). Stored once; never readable over any link. */
  readonly secret?: Uint8Array;
}

/** What a station tells those who watch it (the simulator, `warden station`, the host link). */
export type StationEvent =
  | { readonly kind: 'reply'; readonly input: StationInput; readonly reply: Reply }
  | { readonly kind: 'record'; readonly seq: number; readonly message: Message }
  | { readonly kind: 'permit'; readonly view: PermitView }
  | { readonly kind: 'fault'; readonly reason: ReasonName; readonly detail: string };

export interface StationOptions {
  readonly hal: StationHal;
  /** Stored at the first boot only, when the store holds no configuration yet. */
  readonly provision?: Provisioning;
  readonly firmwareVersion?: string;
  readonly onEvent?: (e: StationEvent) => void;
}

/** Why a station could not start at all (its storage is unusable): it stays fail-safe with this reason. */
export interface BootFailure {
  readonly reason: ReasonName;
  readonly detail: string;
}

export interface BootReport {
  readonly bootCount: number;
  readonly journal: JournalMountReport;
  readonly store: StoreMountReport;
  readonly restoredUpTo: number;
  readonly rolledForward: number;
  /** Parts of the stored state that did not decode (their slots must be scanned again). */
  readonly lostParts: readonly string[];
  readonly clock: 'none' | 'rtc-untrusted' | 'rtc-trusted';
}

export class Station {
  private core: CoreState;
  private readonly journal: Journal | undefined;
  private readonly store: StateStore | undefined;
  private readonly hal: StationHal;
  private readonly onEvent: (e: StationEvent) => void;
  readonly firmwareVersion: string;
  /** Why the station cannot run at all (storage unusable, not provisioned), if it cannot. */
  readonly failure: BootFailure | undefined;
  readonly boot: BootReport | undefined;
  private wallOffset: number;
  private bootCount = 0;
  private storeFailed = false;
  private hostLastSeenMono = -Infinity;
  private lastCheckpointMono = 0;
  private lastSensorMono = -Infinity;
  private persisted: CoreState;
  private msdKeys = new Map<string, number>();
  private lastView: PermitView | undefined;
  private listeners: ((e: StationEvent) => void)[] = [];
  /**
   * The station's one budget of MAC checks (PROTOCOL.md §3.6), shared by the session of every host link it ever
   * opens (each TCP connection, the serial link): a flood that reconnects starts from what is left, not afresh.
   */
  readonly macBudget = new MacBudget(DEFAULT_MAC_BUDGET);
  /**
   * The host link's send counters, on the state store, shared the same way: a reconnect continues the block of
   * counters already reserved, so connections cost no store writes and burn no counters.
   */
  readonly sendCounters = new SendCounters(storeVault(this));
  /** What every host link accepted from the host: a frame recorded on one connection is a replay on the next. */
  readonly peerCounters = new PeerCounters();

  private constructor(o: StationOptions, parts: {
    core: CoreState;
    journal?: Journal;
    store?: StateStore;
    failure?: BootFailure;
    boot?: BootReport;
    wallOffset: number;
  }) {
    this.hal = o.hal;
    this.onEvent = o.onEvent ?? (() => {});
    this.firmwareVersion = o.firmwareVersion ?? FIRMWARE_VERSION;
    this.core = parts.core;
    this.persisted = parts.core;
    this.journal = parts.journal;
    this.store = parts.store;
    this.failure = parts.failure;
    this.boot = parts.boot;
    this.wallOffset = parts.wallOffset;
    this.lastCheckpointMono = o.hal.clock.monotonicMs();
  }

  /**
   * Starts a station: mounts the store and the journal, restores the state, applies journal records the last
   * checkpoint missed, journals StationBooted and drives the outputs. The relay is switched off first and stays
   * off until the restored state passes every rule. Never throws: a station whose storage is unusable starts in
   * `fault` with the reason, permit off.
   */
  static start(o: StationOptions): Station {
    o.hal.runPermit.write(0);
    const mono = o.hal.clock.monotonicMs();
    const rtc = o.hal.clock.readRtc();
    const clock: CoreState['clock'] & { source: 'none' | 'rtc-untrusted' | 'rtc-trusted' } = rtc === undefined ? { valid: false, source: 'none' } : rtc.trusted ? { valid: true, source: 'rtc-trusted' } : { valid: false, source: 'rtc-untrusted' };
    const wallOffset = (rtc?.epochMs ?? 0) - mono;
    const failed = (reason: ReasonName, detail: string, store?: StateStore) => {
      const st = new Station(o, { core: createCore(DEFAULT_CONFIG, clock, mono), failure: { reason, detail }, wallOffset, ...(store === undefined ? {} : { store }) });
      st.emit({ kind: 'fault', reason, detail });
      st.drive();
      return st;
    };
    const sm = StateStore.mount(o.hal.storeFlash, storeOptions(o.hal.storeFlash.geometry));
    if (!sm.ok) return failed(sm.reason, `state store: ${sm.detail}`);
    const store = sm.store;
    // Configuration: the stored one, else the provisioning document (first boot only).
    let config: StationConfig | undefined;
    const stored = store.get(K.config);
    if (stored.ok && stored.value !== undefined) {
      const c = decodeStoredConfig(stored.value);
      if (!c.ok) return failed('CONFIG_INVALID', `stored configuration: ${c.detail}`, store);
      config = c.config;
    } else if (o.provision !== undefined) {
      const c = parseConfig(o.provision.config);
      if (!c.ok) return failed('CONFIG_INVALID', c.detail, store);
      const w = store.set(K.config, utf8Encode(JSON.stringify(configDocument(c.config))));
      if (!w.ok) return failed(w.reason, w.detail, store);
      if (o.provision.secret !== undefined) {
        if (o.provision.secret.length < 16) return failed('CONFIG_INVALID', 'the secret must be at least 16 bytes', store);
        const ws = store.set(K.secret, o.provision.secret);
        if (!ws.ok) return failed(ws.reason, ws.detail, store);
      }
      config = c.config;
    } else {
      return failed('NOT_PROVISIONED', 'no configuration stored: provision the station (firmware/runtime/README.md)', store);
    }
    const jg = o.hal.journalFlash.geometry;
    const sectors = Math.min(jg.sectorCount, Math.floor((config['journal.kib'] * 1024) / jg.sectorSize));
    const jm = Journal.mount(o.hal.journalFlash, { sectorCount: sectors, highWater: config['journal.highWaterPct'] / 100 });
    if (!jm.ok) return failed(jm.reason, `journal: ${jm.detail}`, store);
    const journal = jm.journal;

    // Restore the parts.
    const lostParts: string[] = [];
    const strings: persist.SharedStrings = new Map();
    const read = <T>(key: number, what: string, decode: (b: Uint8Array, strings: persist.SharedStrings) => persist.Decoded<T>): T | undefined => {
      const g = store.get(key);
      if (!g.ok) {
        lostParts.push(`${what}: ${g.detail}`);
        return undefined;
      }
      if (g.value === undefined) return undefined;
      const d = decode(g.value, strings);
      if (!d.ok) lostParts.push(d.detail);
      return d.ok ? d.value : undefined;
    };
    const coreStored = read(K.core, 'station state', persist.decodeCore);
    const order = read(K.order, 'work order', persist.decodeOrder);
    const slots: (SlotState | undefined)[] = [];
    const slotSeqs: number[] = [];
    if (order !== undefined) {
      for (let i = 0; i < order.order.slots.length; i++) {
        const s = read(K.slot0 + i, `slot ${i}`, persist.decodeSlot);
        // Every slot of an order is written, empty ones too: a missing or unreadable one must be scanned again.
        slots.push(s?.value ?? persist.LOST);
        slotSeqs.push(s?.seq ?? 0);
      }
    }
    const msd = new Map<string, MsdReel>();
    const msdKeys = new Map<string, number>();
    const reelSeqs = new Map<string, number>();
    for (let k = MSD0; k < STORE_KEYS; k++) {
      const r = read(k, `MSD reel key ${k}`, persist.decodeReel);
      if (r !== undefined) {
        msd.set(r.value.key, r.value);
        msdKeys.set(r.value.key, k);
        reelSeqs.set(r.value.key, r.seq);
      }
    }
    const badges = read(K.badges, 'badges', persist.decodeBadges);
    const tables = read(K.tables, 'MSL tables', persist.decodeTables);
    const layouts = read(K.layouts, 'label layouts', (b) => {
      const d = decodeLayoutSet(b);
      return d.ok ? { ok: true, value: d.set } : { ok: false, detail: `label layouts: ${d.detail}` };
    });
    let core = createCore(config, clock, mono);
    core = {
      ...core,
      setup: persist.restoreSetup(config, order, slots, coreStored),
      order: order === undefined ? undefined : { terms: order.terms, digest: order.digest, activatedAt: order.activatedAt, boards: coreStored?.orderBoards ?? 0 },
      msd,
      ...(tables === undefined ? {} : { tables }),
      ...(layouts === undefined ? {} : { layouts }),
      ...(badges === undefined ? {} : { badges }),
      ...(coreStored === undefined
        ? {}
        : { firstOff: coreStored.firstOff, hold: coreStored.hold, boards: coreStored.boards, alarms: coreStored.alarms, seq: coreStored.seq }),
    };
    // The records the checkpoint did not include, applied conservatively.
    const restoredUpTo = coreStored?.journalSeq ?? 0;
    const tail: { seq: number; message: Message }[] = [];
    const from = Math.max(restoredUpTo + 1, journal.oldestSequence());
    const cur = journal.cursor(Math.min(from, journal.nextSequence));
    if ('next' in cur) {
      for (let item = cur.next(); 'kind' in item && item.kind !== 'end'; item = cur.next()) {
        if (item.kind !== 'record') continue;
        const m = decodePayload(item.type, item.payload);
        if (m.ok) tail.push({ seq: item.seq, message: m.message });
      }
    }
    const now = wallOffset + mono;
    core = rollForward(core, tail, now, { slot: (i) => slotSeqs[i] ?? 0, reel: (k) => reelSeqs.get(k) ?? 0 });
    // Generations numbered after the core checkpoint are not known here: continue above any they could have reached.
    core = { ...core, setup: { ...core.setup, generation: (core.setup.generation + tail.length + 1) >>> 0 } };
    // Time passed that the trackers did not see: with a trusted clock, at unknown conditions (the sensor rule
    // charges the worst cell after the staleness limit); without one, as lost time, charged in full at the sync.
    core = { ...core, msd: broadcast(core, (t) => (t.at === null ? undefined : clock.valid ? { type: 'sensor-lost', sensor: 'floor', at: t.at } : { type: 'clock-lost', at: t.at })) };
    core = { ...core, recovering: core.setup.order !== undefined };
    const bootCount = (coreStored?.bootCount ?? 0) + 1;
    const boot: BootReport = {
      bootCount,
      journal: jm.report,
      store: sm.report,
      restoredUpTo,
      rolledForward: tail.length,
      lostParts,
      clock: clock.source,
    };
    const st = new Station(o, { core, journal, store, boot, wallOffset });
    st.bootCount = bootCount;
    st.msdKeys = msdKeys;
    // Force a first checkpoint of everything restored (roll-forward and the boot count included).
    st.persisted = createCore(config, clock, mono);
    st.commit(
      [
        {
          type: 'StationBooted',
          body: {
            at: Math.floor(now / 1000),
            bootCount,
            softwareVersion: st.firmwareVersion,
            clockSource: clock.source,
            restoredUpTo,
            rolledForward: Math.min(tail.length, 0xffff),
            reasons: [...jm.report.reasons, ...sm.report.reasons].slice(0, 8),
          },
        },
      ],
      core,
    );
    st.input({ kind: 'tick' });
    return st;
  }

  // ---- the one entry point -----------------------------------------------------------------------------------

  /** Feeds one input; returns what the station answers. The relay is driven before this returns. */
  input(i: StationInput): Reply {
    if (this.failure !== undefined) {
      const reply: Reply = { ok: false, reason: this.failure.reason, outcome: 'refused', detail: this.failure.detail };
      this.emit({ kind: 'reply', input: i, reply });
      return reply;
    }
    const reply = sharingReelViews(() => {
      if (i.kind === 'tick') this.housekeeping();
      const f = this.facts();
      return this.apply(decide(this.core, i, f), f);
    });
    this.emit({ kind: 'reply', input: i, reply });
    return reply;
  }

  /** The host link reports an authenticated frame: the host counts as online. */
  hostSeen(): void {
    this.hostLastSeenMono = this.hal.clock.monotonicMs();
  }

  /** Subscribes to what the station does (records, replies, permit changes). */
  subscribe(fn: (e: StationEvent) => void): () => void {
    this.listeners.push(fn);
    return () => {
      this.listeners = this.listeners.filter((x) => x !== fn);
    };
  }

  private emit(e: StationEvent): void {
    this.onEvent(e);
    for (const l of this.listeners) l(e);
  }

  /** The journal's status changes only when it is written: kept until the next append or acknowledgement. */
  private journalStatus: JournalStatus | undefined;
  private journalNow(): JournalStatus | undefined {
    return (this.journalStatus ??= this.journal?.status());
  }

  private facts(): Facts {
    const mono = this.hal.clock.monotonicMs();
    const js = this.journalNow();
    return {
      now: this.wallOffset + mono,
      mono,
      journal: {
        full: js === undefined || js.permitBlocked === 'JOURNAL_FULL',
        highWater: js?.warning === 'JOURNAL_HIGH_WATER',
        failed: js === undefined || js.permitBlocked === 'FLASH_WRITE_FAILED' || this.storeFailed,
        pending: js?.pendingRecords ?? 0,
      },
      storeCorrupt: this.store === undefined || this.store.failSafe() === 'STORE_CORRUPT',
      hostOnline: mono - this.hostLastSeenMono <= this.core.config['timeouts.hostOfflineMs'],
      relayOn: this.failure === undefined && this.lastView?.on === true,
    };
  }

  /** Wall time as the station knows it (epoch ms). */
  now(): number {
    return this.wallOffset + this.hal.clock.monotonicMs();
  }

  /** Monotonic ms since boot (timeouts of the host link and the Modbus server). */
  monotonicMs(): number {
    return this.hal.clock.monotonicMs();
  }

  /** The HAL's random source (session nonces). */
  get random(): RandomBytes {
    return this.hal.random;
  }

  /** `f`: the facts the decision was made on; they stand for the outputs too unless the decision wrote to flash. */
  private apply(d: Decision, f: Facts): Reply {
    const prev = this.core;
    const appended = this.commit(d.records, d.state, d.setClock);
    if (appended !== undefined) {
      // The journal refused part of the decision: keep the old state, with the records that did land applied
      // as after a power cut, so state and journal never disagree.
      this.core = rollForward(prev, appended.landed, this.now());
      this.checkpoint(true);
      this.drive();
      return { ok: false, reason: appended.reason, outcome: 'refused', detail: appended.detail };
    }
    if (d.setClock !== undefined) {
      this.wallOffset = d.setClock - this.hal.clock.monotonicMs();
      this.hal.clock.writeRtc(d.setClock);
    }
    this.drive(d.records.length === 0 && d.state === prev && d.setClock === undefined ? f : undefined);
    return d.reply;
  }

  /**
   * Journals the records, then checkpoints `next`. Undefined when all went to flash; else what landed and why not.
   * A decision that sets the clock (`setClock`) was made at the time it sets: its records are stamped so, but for the
   * TimeSync itself, which keeps the stamp of the clock it replaces (the step it made stays readable in the journal).
   */
  private commit(records: readonly Message[], next: CoreState, setClock?: number): { landed: Message[]; reason: ReasonName; detail: string } | undefined {
    const j = this.journal!;
    const landed: Message[] = [];
    const before = this.now();
    for (const m of records) {
      const at = setClock === undefined || m.type === 'TimeSync' ? before : setClock;
      const p = encodePayload(m);
      if (!p.ok) return { landed, reason: 'INTERNAL_ERROR', detail: `${m.type} does not encode: ${p.detail}` };
      this.journalStatus = undefined;
      const r = j.append(messageType(m), Math.max(0, at), p.payload);
      if (!r.ok) return { landed, reason: r.reason, detail: r.detail };
      landed.push(m);
      this.emit({ kind: 'record', seq: r.seq, message: m });
    }
    this.core = next;
    this.checkpoint(false);
    return undefined;
  }

  /**
   * Writes the parts that changed since the last checkpoint, each stamped with the journal sequence it is current
   * at. Trackers changed only by sensor samples and time wait for the periodic checkpoint (`full`); so do board
   * counts: a power cut charges the trackers' gap as worst-case exposure and boot counts the boards again.
   */
  private checkpoint(full = true): void {
    const st = this.store;
    if (st === undefined) return;
    const s = this.core;
    const p = this.persisted;
    const seq = (this.journal?.nextSequence ?? 1) - 1;
    const put = (key: number, bytes: Uint8Array | undefined): void => {
      if (this.storeFailed) return;
      const r = bytes === undefined ? st.delete(key) : st.set(key, bytes);
      if (!r.ok) {
        this.storeFailed = true;
        this.emit({ kind: 'fault', reason: r.reason, detail: `state store key ${key}: ${r.detail}` });
      }
    };
    // The board count alone is not a change of the order (it waits, like the other counts, for the periodic write).
    const orderChanged = s.setup.order !== p.setup.order || !sameActivation(s.order, p.order);
    if (orderChanged) {
      if (s.setup.order === undefined || s.order === undefined) put(K.order, undefined);
      else if (s.setup.order?.order !== p.setup.order?.order || s.order.digest !== p.order?.digest || s.order.terms !== p.order?.terms) {
        const bytes = persist.orderBytes({ order: s.setup.order.order, terms: s.order.terms, digest: s.order.digest, activatedAt: s.order.activatedAt });
        if (bytes === undefined) {
          // Unreachable for an order the station accepted; never let it pass as "no order stored".
          this.storeFailed = true;
          this.emit({ kind: 'fault', reason: 'INTERNAL_ERROR', detail: 'the active work order does not encode for the store' });
        } else put(K.order, bytes);
      }
    }
    const n = Math.max(s.setup.slots.length, p.setup.slots.length);
    const sameOrder = s.setup.order === p.setup.order;
    for (let i = 0; i < n; i++) {
      const a = s.setup.slots[i];
      if (a === p.setup.slots[i] && sameOrder) continue;
      put(K.slot0 + i, a === undefined ? undefined : persist.stampedBytes(seq, a));
    }
    if (s.msd !== p.msd || full) {
      for (const [k, r] of s.msd) {
        const before = this.seenReels.get(k);
        if (before === r && !(full && this.lagging.has(k))) continue;
        // A tracker only integrated by samples and time (no event, no host fact) waits for the periodic checkpoint.
        if (!full && before !== undefined && before.hostBlock === r.hostBlock && before.tracker.place === r.tracker.place && sameFacts(before, r)) {
          this.seenReels.set(k, r);
          this.lagging.add(k);
          continue;
        }
        let key = this.msdKeys.get(k);
        if (key === undefined) {
          const used = new Set(this.msdKeys.values());
          for (let c = MSD0; c < STORE_KEYS && key === undefined; c++) if (!used.has(c)) key = c;
          if (key === undefined) continue;
          this.msdKeys.set(k, key);
        }
        put(key, persist.stampedBytes(seq, r));
        this.seenReels.set(k, r);
        this.lagging.delete(k);
      }
      for (const [k, key] of this.msdKeys) {
        if (s.msd.has(k)) continue;
        put(key, undefined);
        this.msdKeys.delete(k);
        this.seenReels.delete(k);
        this.lagging.delete(k);
      }
    }
    if (s.badges !== p.badges) put(K.badges, persist.badgesBytes(s.badges));
    if (s.tables !== p.tables) put(K.tables, persist.toBytes(s.tables));
    if (s.layouts !== p.layouts) put(K.layouts, encodeLayoutSet(s.layouts));
    const coreChanged =
      full ||
      s.firstOff !== p.firstOff ||
      s.hold !== p.hold ||
      s.alarms !== p.alarms ||
      s.seq !== p.seq ||
      s.setup.obsolete !== p.setup.obsolete ||
      orderChanged;
    if (coreChanged) put(K.core, persist.toBytes(persist.coreOf(s, seq, this.bootCount)));
    // What was not written stays "changed" for the next checkpoint: keep the old references for those parts.
    this.persisted = full
      ? s
      : { ...s, boards: coreChanged ? s.boards : p.boards, order: coreChanged || s.order === undefined || p.order === undefined ? s.order : { ...s.order, boards: p.order.boards } };
    if (full) this.lastCheckpointMono = this.hal.clock.monotonicMs();
  }

  /**
   * Each tracker as the last checkpoint saw it, and the ones whose flash copy lags it (a partial checkpoint left a
   * sample-only change for the periodic one). What lags differs from flash only in what samples and time change, so
   * the next change is judged against what was seen; only current trackers are held, never a second copy of one.
   */
  private seenReels = new Map<string, MsdReel>();
  private lagging = new Set<string>();

  /** Periodic work before a tick: the sensor, and MSD floor life integrated and checkpointed. */
  private housekeeping(): void {
    // A picture older than this second is never used again: do not hold it.
    this.viewCache = undefined;
    const mono = this.hal.clock.monotonicMs();
    const c = this.core.config;
    const sensor = this.hal.sensor;
    if (sensor !== undefined && mono - this.lastSensorMono >= c['timeouts.sensorPollMs']) {
      this.lastSensorMono = mono;
      const r = sensor.sample();
      const f = this.facts();
      const d = decide(this.core, { kind: 'sensor', reading: r.ok ? { ok: true, tempC: r.tempC, rhPct: r.rhPct } : { ok: false, detail: r.detail } }, f);
      this.apply(d, f);
    }
    if (mono - this.lastCheckpointMono >= c['timeouts.checkpointMs']) {
      this.core = { ...this.core, msd: advanced(this.core, this.now()) };
      this.checkpoint(true);
    }
  }

  /** Sets the relay and the stack light from the rules as they stand now (`f`: facts still current, if known). */
  private drive(f?: Facts): void {
    const v = this.permitView(f);
    this.hal.runPermit.write(v.on ? 1 : 0);
    const l = this.hal.stackLight;
    if (l !== undefined) {
      l.green.write(v.light.green ? 1 : 0);
      l.amber.write(v.light.amber ? 1 : 0);
      l.red.write(v.light.red ? 1 : 0);
    }
    const last = this.lastView;
    if (last === undefined || last.on !== v.on || last.state !== v.state || last.reasons.join() !== v.reasons.join() || last.warnings.join() !== v.warnings.join()) {
      this.lastView = v;
      this.emit({ kind: 'permit', view: v });
    }
  }

  // ---- what the station shows ------------------------------------------------------------------------------------

  permitView(f?: Facts): PermitView {
    if (this.failure !== undefined) {
      return { on: false, reasons: [this.failure.reason === 'OK' ? 'INTERNAL_ERROR' : this.failure.reason], state: 'fault', light: { red: true, amber: false, green: false }, warnings: [] };
    }
    return evaluate(this.core, f ?? this.facts());
  }

  /**
   * The station's picture for Modbus and the host. A PLC's poll is several requests, each asking for it: it is
   * built once for a state, the journal's and the host's status and the second it is asked in, so the requests of
   * one poll read one consistent picture and the station does not build it again for each (about 1 300 XS slots).
   */
  view(): StationView {
    const f = this.facts();
    const c = this.viewCache;
    const second = Math.floor(f.mono / 1000);
    if (c !== undefined && c.core === this.core && c.second === second && sameViewFacts(c.facts, f)) return c.view;
    const view = sharingReelViews(() => stationView(this.core, this.permitView(f), f, f.mono));
    this.viewCache = { core: this.core, facts: f, second, view };
    return view;
  }

  private viewCache: { readonly core: CoreState; readonly facts: Facts; readonly second: number; readonly view: StationView } | undefined;

  identity(): DeviceIdentity {
    const c = this.core.config;
    return {
      vendorName: 'SMT Warden',
      productCode: 'WARDEN-ST',
      majorMinorRevision: this.firmwareVersion.replace(/^[^0-9]*/, ''),
      vendorUrl: 'https://github.com/smt-warden',
      productName: 'SMT Warden station controller',
      modelName: c.name,
      userApplicationName: `station ${c.stationId} (${c.role})`,
    };
  }

  /** What the Modbus server asks of the station: the view, the identity, and PLC writes (journaled). */
  modbusBackend(): ModbusBackend {
    return {
      view: () => this.view(),
      identity: () => this.identity(),
      write: (w: PlcWrite, from: WriteOrigin) => this.input({ kind: 'plc', write: w, from }).reason,
    };
  }

  get config(): StationConfig {
    return this.core.config;
  }

  /** The core state, read-only, for tests, the simulator's invariant checker and `warden station`. */
  get state(): CoreState {
    return this.core;
  }

  /** The journal, for the host link's reads and acks and the station's trace queries. */
  get journalRef(): Journal | undefined {
    return this.journal;
  }

  /** The provisioned secret (never sent anywhere; the host link derives its keys from it). */
  secret(): Uint8Array | undefined {
    const g = this.store?.get(K.secret);
    return g !== undefined && g.ok ? g.value : undefined;
  }

  /** A small value the host link persists (its counters), in the store. */
  storeValue(key: 'counters', value?: Uint8Array): Uint8Array | undefined | boolean {
    const k = K[key];
    if (this.store === undefined) return undefined;
    if (value === undefined) {
      const g = this.store.get(k);
      return g.ok ? g.value : undefined;
    }
    return this.store.set(k, value).ok;
  }

  /** Acknowledges journal records the host has stored. Checkpoints first, so the records a checkpoint needs stay. */
  ackJournal(upTo: number): { ok: true } | { ok: false; reason: ReasonName; detail: string } {
    const j = this.journal;
    if (j === undefined) return { ok: false, reason: 'JOURNAL_FULL', detail: 'no journal' };
    this.checkpoint();
    this.journalStatus = undefined;
    const r = j.ack(upTo);
    this.drive();
    return r.ok ? { ok: true } : { ok: false, reason: r.reason, detail: r.detail };
  }

  /** Every record the journal still holds, decoded, oldest first (lost ranges are skipped: see `readJournal`). */
  *entries(): Generator<JournalEntry> {
    const j = this.journal;
    if (j === undefined) return;
    const c = j.cursor(j.oldestSequence());
    if (!('next' in c)) return;
    for (let it = c.next(); 'kind' in it && it.kind !== 'end'; it = c.next()) {
      if (it.kind !== 'record') continue;
      const m = decodePayload(it.type, it.payload);
      if (m.ok) yield { seq: it.seq, at: it.at, message: m.message };
    }
  }

  /** Records from `from` on, at most `max` (stops early at `stop`), for the host link. */
  readJournal(from: number, max: number, visit: (item: CursorItem & { kind: 'record' | 'lost' }) => boolean): ReasonName {
    const j = this.journal;
    if (j === undefined) return 'JOURNAL_SEQ_UNKNOWN';
    const c = j.cursor(from);
    if (!('next' in c)) return c.reason;
    for (let n = 0; n < max; n++) {
      const item = c.next();
      if (!('kind' in item)) return item.reason;
      if (item.kind === 'end') break;
      if (!visit(item)) break;
    }
    return 'OK';
  }
}

function messageType(m: Message): number {
  return MESSAGES[m.type].type;
}

/** Whether two versions of an MSD reel differ only by integration (samples and time), not by an event. */
/** Facts that give the same view within one second (wall and monotonic time aside). */
function sameViewFacts(a: Facts, b: Facts): boolean {
  return (
    Math.floor(a.now / 1000) === Math.floor(b.now / 1000) &&
    a.journal.full === b.journal.full &&
    a.journal.highWater === b.journal.highWater &&
    a.journal.failed === b.journal.failed &&
    a.journal.pending === b.journal.pending &&
    a.storeCorrupt === b.storeCorrupt &&
    a.hostOnline === b.hostOnline
  );
}

function sameFacts(a: MsdReel, b: MsdReel): boolean {
  const x = a.tracker;
  const y = b.tracker;
    return (
    x.spec === y.spec &&
    x.bake === y.bake &&
    x.scrapped === y.scrapped &&
    x.signoff === y.signoff &&
    x.clockLost === y.clockLost &&
    x.hicWet === y.hicWet &&
    x.unrated === y.unrated &&
    x.lastBake === y.lastBake &&
    x.baked === y.baked
  );
}

/** The same work order activation (terms, digest, time), whatever its board count. */
function sameActivation(a: CoreState['order'], b: CoreState['order']): boolean {
  return a === b || (a !== undefined && b !== undefined && a.terms === b.terms && a.digest === b.digest && a.activatedAt === b.activatedAt);
}
