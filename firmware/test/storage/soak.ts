// Long power-cut soak, the way the audit ran it: one long random sequence of journal appends and acks and store
// updates on one flash, power cut every few dozen to few hundred steps, and in a share of the reboots the
// recovery cut in its turn. Payloads and values hold structure (whole entries numbered like the next records,
// with their own commit words; commit words of format 1; region headers). After every reboot it counts:
// - forged: a record or value read back that was never appended or set (must be 0);
// - misread: a mount that reports corruption (JOURNAL_CORRUPT, lost records, STORE_CORRUPT) though only power
//   was ever cut (must be 0);
// - lost: a record or value that returned ok and is gone (must be 0).
// Not part of `npm test` (it runs for minutes):
//   node tools/bin/run-ts.cjs firmware/test/storage/soak.ts [cuts=100000] [page|word] [seed=1] [wordSize=4]
import { SimFlash, prng } from '../../platform/sim/flash';
import { GEOMETRY, JOURNAL, STORE, mountBoth, type Rec } from './harness';
import { materialise, type Part } from './forge';

const same = (a: Uint8Array | undefined, b: Uint8Array | undefined) =>
  a === undefined || b === undefined ? a === b : a.length === b.length && a.every((x, i) => x === b[i]);

export interface SoakResult {
  cuts: number;
  recoveryCuts: number;
  weakCuts: number;
  appends: number;
  sets: number;
  forged: number;
  misread: number;
  lost: number;
  problems: string[];
}

export function soak(target: number, model: 'page' | 'word', seed: number, wordSize = 4): SoakResult {
  const rnd = prng(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const flash = new SimFlash({ ...GEOMETRY, wordSize, seed, tearing: model, weakBits: model === 'page' });
  const maxKeys = STORE.maxKeys ?? 6;
  const records = new Map<number, Rec>();
  const values = new Map<number, Uint8Array>();
  let lastSeq = 0;
  let acked = 0;
  let clock = 1_767_225_600_000;
  const res: SoakResult = { cuts: 0, recoveryCuts: 0, weakCuts: 0, appends: 0, sets: 0, forged: 0, misread: 0, lost: 0, problems: [] };
  const note = (what: string) => {
    if (res.problems.length < 20) res.problems.push(`after ${res.cuts} cuts: ${what}`);
  };
  const parts = (): Part[] =>
    Array.from({ length: int(5) }, (): Part => {
      const r = int(6);
      if (r === 0) return { t: 'record', dSeq: int(3), type: int(256), len: int(12) };
      if (r === 1) return { t: 'value', key: int(maxKeys), len: int(12) };
      if (r === 2) return { t: 'commit', hcrc: int(2 ** 31), v1: rnd() < 0.5 };
      if (r === 3) return { t: 'region', store: rnd() < 0.5, v1: rnd() < 0.3 };
      if (r === 4) return { t: 'run', byte: rnd() < 0.5 ? 0 : 0xff, n: 1 + int(20) };
      return { t: 'random', bytes: Uint8Array.from({ length: int(10) }, () => int(256)) };
    });

  let both = mountBoth(flash)!;
  while (res.cuts < target) {
    flash.cutAtStep(flash.steps + 1 + int(300));
    let inflight: { op: 'append'; rec: Rec } | { op: 'set'; key: number; value: Uint8Array | undefined } | undefined;
    while (flash.powered) {
      const r = rnd();
      if (r < 0.55) {
        const at = (clock += 20_000);
        const rec = { type: int(256), at, payload: materialise(parts(), { nextSeq: lastSeq + 1, at }, 64) };
        const a = both.journal.append(rec.type, rec.at, rec.payload);
        if (a.ok) {
          if (a.seq !== lastSeq + 1) note(`append got ${a.seq} after ${lastSeq}`);
          records.set(a.seq, rec);
          lastSeq = a.seq;
          res.appends++;
        } else if (!flash.powered) inflight = { op: 'append', rec };
        else if (a.reason !== 'JOURNAL_FULL') note(`append: ${a.reason}`);
      } else if (r < 0.7) {
        const upTo = lastSeq - int(30);
        if (upTo > acked) {
          const a = both.journal.ack(upTo);
          if (a.ok) acked = upTo;
        }
      } else {
        const key = int(maxKeys);
        const value = rnd() < 0.85 ? materialise(parts(), { nextSeq: lastSeq + 1, at: clock }, 100) : undefined;
        const s = value !== undefined ? both.store.set(key, value) : both.store.delete(key);
        if (s.ok) {
          if (value === undefined) values.delete(key);
          else values.set(key, value);
          res.sets++;
        } else if (!flash.powered) inflight = { op: 'set', key, value };
        else if (s.reason !== 'STORE_FULL') note(`set: ${s.reason}`);
      }
    }
    res.cuts++;
    if (flash.weakBitCount() > 0) res.weakCuts++;
    flash.reboot();
    if (rnd() < 0.4) {
      flash.cutAtStep(flash.steps + int(60));
      mountBoth(flash);
      if (!flash.powered) res.recoveryCuts++;
      flash.reboot();
    }
    const b = mountBoth(flash);
    if (b === undefined) {
      note('mount failed');
      res.misread++;
      break;
    }
    both = b;
    if (b.jr.reasons.includes('JOURNAL_CORRUPT') || b.jr.lostRecords > 0 || b.sr.reasons.length > 0) {
      res.misread++;
      note(`mount reported ${JSON.stringify([b.jr, b.sr])}`);
    }
    // The journal: exactly what was appended, and nothing acknowledged missing.
    const st = b.journal.status();
    if (st.ackedSequence < acked) note(`acked went back to ${st.ackedSequence} from ${acked}`);
    acked = Math.max(acked, st.ackedSequence);
    const c = b.journal.cursor(b.journal.oldestSequence());
    if ('ok' in c) {
      note(`cursor: ${c.reason}`);
      continue;
    }
    let expect = Math.max(b.journal.oldestSequence(), acked + 1);
    for (let it = c.next(); !('ok' in it) && it.kind !== 'end'; it = c.next()) {
      if (it.kind === 'lost') {
        res.lost++;
        note(`lost ${it.from}-${it.to}`);
        continue;
      }
      let want = records.get(it.seq);
      if (want === undefined && inflight?.op === 'append' && it.seq === lastSeq + 1) {
        want = inflight.rec;
        records.set(it.seq, want);
        lastSeq = it.seq;
      }
      if (want === undefined || want.type !== it.type || want.at !== it.at || !same(want.payload, it.payload)) {
        res.forged++;
        note(`record ${it.seq} was never appended`);
      }
      if (it.seq >= expect) {
        if (it.seq > expect) {
          res.lost++;
          note(`records ${expect}-${it.seq - 1} missing`);
        }
        expect = it.seq + 1;
      }
    }
    if (expect <= lastSeq) {
      res.lost++;
      note(`records ${expect}-${lastSeq} missing at the end`);
    }
    for (const [s] of records) if (s <= acked - 64) records.delete(s); // the host has them: forget, stay bounded
    // The store: per key, the last value set ok, or the one in flight.
    for (let k = 0; k < maxKeys; k++) {
      const g = b.store.get(k);
      const old = values.get(k);
      if (!g.ok) {
        res.misread++;
        note(`key ${k}: ${g.reason}`);
        continue;
      }
      if (same(g.value, old)) continue;
      if (inflight?.op === 'set' && inflight.key === k && same(g.value, inflight.value)) {
        if (inflight.value === undefined) values.delete(k);
        else values.set(k, inflight.value);
        continue;
      }
      res.forged++;
      note(`key ${k} holds a value never set`);
    }
  }
  return res;
}

if (/soak\.ts$/.test(process.argv[1] ?? '')) {
  const [cuts = '100000', model = 'page', seed = '1', wordSize = '4'] = process.argv.slice(2);
  if (model !== 'page' && model !== 'word') {
    process.stderr.write('soak: the model is page (unordered page tearing, weak bits) or word (ordered word tearing)\n');
    process.exit(2);
  }
  const t0 = Date.now();
  const r = soak(Number(cuts), model, Number(seed), Number(wordSize));
  const geometry = { ...GEOMETRY, wordSize: Number(wordSize) };
  process.stdout.write(`${JSON.stringify({ ...r, model, seed: Number(seed), seconds: (Date.now() - t0) / 1000, geometry, journal: JOURNAL, store: STORE })}\n`);
  process.exitCode = r.forged + r.misread + r.lost === 0 && r.problems.length === 0 ? 0 : 1;
}
