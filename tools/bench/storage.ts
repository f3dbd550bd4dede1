// Storage benchmarks: journal append rate, recovery time of full journals, records per KiB and the days a
// journal holds at a realistic line rate. Peers, same run: for appends and size, the same records as JSON lines
// (the message body as a JSON object, with seq/type/at) written to the same simulated flash, and pushed to an
// in-RAM array; for recovery, one sequential read of the whole partition (the limit for anything that reads it
// all) and that read with a CRC-32 over every byte (the least a check of every record costs).
import { encodePayload, MESSAGES, type Message, type MessageName } from '../../protocol/src/index';
import { EXAMPLES } from '../../protocol/vectors/examples';
import { Journal } from '../../firmware/storage/journal';
import { StateStore } from '../../firmware/storage/store';
import { entrySize } from '../../firmware/storage/log';
import { crc32Update } from '../../protocol/src/crc32';
import { SimFlash } from '../../firmware/platform/sim/flash';
import type { Flash } from '../../firmware/platform/hal';
import { rate, type Section } from './harness';

const SECTOR = 4096;
const T0 = 1_795_000_000_000;

interface Kind {
  readonly name: MessageName;
  readonly perDay: number;
  readonly payload: Uint8Array;
  readonly json: string;
}

/** A 40-slot placement station, one board every 20 s, around the clock. */
function eventMix(): Kind[] {
  const perDay: [MessageName, number, string][] = [
    ['BoardRecorded', 86_400 / 20, 'one per board'],
    ['ScanEvent', 160 * 2, 'reel change: slot and reel scanned (4 changes per slot per day)'],
    ['SlotUnloaded', 160, 'reel change'],
    ['SlotLoaded', 160, 'reel change'],
    ['SlotVerified', 160, 'reel change'],
    ['InterlockChanged', 160 * 2, 'permit off and on again around each change'],
    ['MsdEvent', 13 * 4 * 2, '13 MSD slots: bag opened and dry-in per reel'],
    ['Alarm', 10, ''],
  ];
  return perDay.map(([name, n]) => {
    const message = { type: name, body: EXAMPLES[name] } as Message;
    const p = encodePayload(message);
    if (!p.ok) throw new Error(`${name}: ${p.detail}`);
    return { name, perDay: n, payload: p.payload, json: JSON.stringify(EXAMPLES[name]) };
  });
}

export const MIX_NOTES =
  'Per day: 4,320 BoardRecorded (one board every 20 s); 160 reel changes (40 slots × 4), each journaling 2 ScanEvent, ' +
  'SlotUnloaded, SlotLoaded, SlotVerified and 2 InterlockChanged; 104 MsdEvent (13 MSD slots, opened and dry-in per reel); ' +
  '10 Alarm.';

/** One day's records in a plausible order: boards evenly, reel changes and MSD events spread between them. */
function daySequence(mix: Kind[]): Kind[] {
  const total = mix.reduce((a, k) => a + k.perDay, 0);
  const out: Kind[] = [];
  const acc = mix.map(() => 0);
  for (let i = 0; i < total; i++) {
    // Largest-remainder interleave: each kind appears at its own rate.
    let best = 0;
    for (let k = 0; k < mix.length; k++) {
      acc[k]! += mix[k]!.perDay / total;
      if (acc[k]! > acc[best]!) best = k;
    }
    acc[best]! -= 1;
    out.push(mix[best]!);
  }
  return out;
}

function jsonLine(seq: number, k: Kind, at: number): string {
  return `{"seq":${seq},"type":${MESSAGES[k.name].type},"at":${at},"message":${k.json}}\n`;
}

/** A naive JSON-lines log on the same flash model: UTF-8 bytes padded to a word, no CRC, no commit, no verify. */
class JsonFlashLog {
  private pos = 0;
  private erased = -1;
  private readonly enc = new TextEncoder();
  constructor(private readonly flash: SimFlash) {}
  append(line: string): void {
    const { wordSize, sectorSize, sectorCount } = this.flash.geometry;
    const b = this.enc.encode(line);
    const n = Math.ceil(b.length / wordSize) * wordSize;
    if (this.pos + n > sectorSize * sectorCount) {
      this.pos = 0;
      this.erased = -1;
    }
    const last = Math.floor((this.pos + n - 1) / sectorSize);
    while (this.erased < last) this.flash.erase(++this.erased);
    const padded = new Uint8Array(n).fill(0x20);
    padded.set(b);
    this.flash.program(this.pos, padded, 0, n);
    this.pos += n;
  }
}

/**
 * Store wear at full scale over simulated days: the 40-slot state table (320 B) every 3 minutes, one of 12 MSD
 * reels' snapshot (32 B) every 5 minutes, the work order (8 KiB) daily. Peer, same updates: a store that erases
 * and rewrites the key's own sector on every update (the naive way, and not even safe against a cut).
 */
function storeWear(days: number): { ours: number[]; naive: number[] } {
  const ours = new SimFlash({ sectorSize: SECTOR, sectorCount: 8, wordSize: 4 });
  const m = StateStore.mount(ours, { sectorCount: 8 });
  if (!m.ok) throw new Error(m.detail);
  const naive = new SimFlash({ sectorSize: SECTOR, sectorCount: 16, wordSize: 4 });
  const naiveSector = (key: number) => (key < 16 ? key : 3 + (key % 12));
  const put = (key: number, len: number, seed: number) => {
    const v = new Uint8Array(len).fill(seed & 0xff);
    if (!m.store.set(key, v).ok) throw new Error('store refused');
    const s = naiveSector(key);
    naive.erase(s);
    naive.program(s * SECTOR, v, 0, Math.min(len, SECTOR));
  };
  for (let day = 0; day < days; day++) {
    put(1, 8192, day);
    for (let t = 0; t < 1440; t++) {
      if (t % 3 === 0) put(2, 320, t);
      if (t % 5 === 0) put(16 + ((t / 5) % 12), 32, t);
    }
  }
  return { ours: ours.eraseCounts().map((c) => c / days), naive: naive.eraseCounts().map((c) => c / days) };
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** Best wall time of `runs` calls, in ms, after one call to warm up. */
function time(fn: () => void, runs: number): number {
  fn();
  let best = Infinity;
  for (let r = 0; r < runs; r++) {
    const t = process.hrtime.bigint();
    fn();
    best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e6);
  }
  return best;
}

function fullJournal(sectors: number, day: Kind[]): { flash: SimFlash; records: number } {
  const flash = new SimFlash({ sectorSize: SECTOR, sectorCount: sectors, wordSize: 4 });
  const m = Journal.mount(flash, { sectorCount: sectors });
  if (!m.ok) throw new Error(m.detail);
  let records = 0;
  for (;;) {
    const k = day[records % day.length]!;
    const r = m.journal.append(MESSAGES[k.name].type, T0 + records * 1000, k.payload);
    if (!r.ok) {
      if (r.reason !== 'JOURNAL_FULL') throw new Error(r.detail);
      return { flash, records };
    }
    records++;
  }
}

export async function storageBench(): Promise<Section> {
  const mix = eventMix();
  const day = daySequence(mix);
  const perDay = day.length;
  const ourBytesPerDay = day.reduce((a, k) => a + entrySize(k.payload.length, 4), 0);
  const jsonBytesPerDay = day.reduce((a, k, i) => a + Buffer.byteLength(jsonLine(i + 1, k, T0 + i * 1000)), 0);

  // Append rate: default-size journal, the host acking every 100 records so it never fills.
  const flash = new SimFlash({ sectorSize: SECTOR, sectorCount: 64, wordSize: 4 });
  const m = Journal.mount(flash, { sectorCount: 64 });
  if (!m.ok) throw new Error(m.detail);
  const j = m.journal;
  let i = 0;
  const ours = rate(() => {
    const k = day[i % perDay]!;
    const r = j.append(MESSAGES[k.name].type, T0 + i * 1000, k.payload);
    if (!r.ok) throw new Error(r.detail);
    if (r.seq % 100 === 0) j.ack(r.seq);
    i++;
  });
  const jflash = new SimFlash({ sectorSize: SECTOR, sectorCount: 64, wordSize: 4 });
  const jlog = new JsonFlashLog(jflash);
  let n = 0;
  const jsonOnFlash = rate(() => {
    const k = day[n % perDay]!;
    jlog.append(jsonLine(n + 1, k, T0 + n * 1000));
    n++;
  });
  let lines: string[] = [];
  let q = 0;
  const jsonInRam = rate(() => {
    const k = day[q % perDay]!;
    lines.push(jsonLine(q + 1, k, T0 + q * 1000));
    if (lines.length > 10_000) lines = [];
    q++;
  });

  // Recovery of full journals, against one sequential read of the partition (4 KiB reads through the HAL).
  const recovery = [64, 256, 1024].map((sectors) => {
    const { flash: f, records } = fullJournal(sectors, day);
    const mountMs = time(() => {
      const r = Journal.mount(f, { sectorCount: sectors });
      if (!r.ok || r.journal.status().pendingRecords !== records) throw new Error('recovery lost records');
    }, 50);
    let mountBytes = 0;
    const counting: Flash = {
      geometry: f.geometry,
      read: (o, d, a, n) => {
        mountBytes += n;
        return f.read(o, d, a, n);
      },
      program: (o, src, a, n) => f.program(o, src, a, n),
      erase: (sec) => f.erase(sec),
    };
    if (!Journal.mount(counting, { sectorCount: sectors }).ok) throw new Error('mount failed');
    const m = Journal.mount(f, { sectorCount: sectors });
    if (!m.ok) throw new Error(m.detail);
    const verifyMs = time(() => {
      const v = m.journal.verify();
      if ('ok' in v || v.lostRecords !== 0) throw new Error('verify found damage');
    }, 5);
    const buf = new Uint8Array(SECTOR);
    let sink = 0;
    const readMs = time(() => {
      for (let s = 0; s < sectors; s++) {
        if (!f.read(s * SECTOR, buf, 0, SECTOR).ok) throw new Error('read failed');
        sink ^= buf[s % SECTOR]!;
      }
    }, 50);
    const readCrcMs = time(() => {
      let c = 0;
      for (let s = 0; s < sectors; s++) {
        if (!f.read(s * SECTOR, buf, 0, SECTOR).ok) throw new Error('read failed');
        c = crc32Update(c, buf, 0, SECTOR);
      }
      sink ^= c;
    }, 5);
    if (sink === 0.5) throw new Error('unreachable');
    // The JSON peer gets the same room: the whole ring.
    const jsonDays = (sectors * SECTOR) / jsonBytesPerDay;
    return { sectors, records, mountMs, mountBytes, verifyMs, readMs, readCrcMs, days: records / perDay, jsonDays };
  });

  const wear = storeWear(3);
  const oursMax = Math.max(...wear.ours);
  const oursMin = Math.min(...wear.ours);
  const naiveMax = Math.max(...wear.naive);
  const naiveUsed = wear.naive.filter((c) => c > 0);

  const sizes = mix
    .map((k) => `| ${k.name} | ${fmt(k.perDay)} | ${k.payload.length} | ${entrySize(k.payload.length, 4)} | ${Buffer.byteLength(jsonLine(123456, k, T0))} |`)
    .join('\n');
  const [r256, r1m, r4m] = recovery as [(typeof recovery)[0], (typeof recovery)[0], (typeof recovery)[0]];
  const kib = (sectors: number) => fmt((sectors * SECTOR) / 1024);
  const size = (sectors: number) => (sectors >= 256 ? `${(sectors * SECTOR) / 2 ** 20} MiB` : `${kib(sectors)} KiB`);
  const recoveryRows = recovery
    .map(
      (r) =>
        `| ${size(r.sectors)} | ${fmt(r.records)} | **${r.mountMs.toFixed(2)} ms** | ${fmt(r.mountBytes / 1024, 1)} KiB (${((100 * r.mountBytes) / (r.sectors * SECTOR)).toFixed(1)} %) | ${r.verifyMs.toFixed(1)} ms | ${r.readMs.toFixed(2)} ms | ${r.readCrcMs.toFixed(1)} ms | ${(r.mountMs / r.readMs).toFixed(2)}× | ${(r.verifyMs / r.readCrcMs).toFixed(2)}× |`,
    )
    .join('\n');

  const body = `Simulated NOR flash (\`firmware/platform/sim/flash.ts\`), 4 KiB sectors, 4-byte program words. A journal
record is a 20-byte header, the message payload (the protocol's binary encoding), a CRC-32 and the record's own
4-byte commit word, word-aligned; every program is read back and verified. The JSON peer writes each record as one JSON line
(\`{"seq","type","at","message":{…}}\`, the message body as \`JSON.stringify\` gives it) to the same flash model, with
no CRC, no commit word and no read-back; the in-RAM peer only pushes the line to an array.

### Event mix (40-slot station, one board every 20 s)

${MIX_NOTES} ${fmt(perDay)} records a day.

| record | per day | payload B | on flash B | JSON line B |
|---|---|---|---|---|
${sizes}

### Results

| figure | SMT Warden journal | JSON lines | ratio |
|---|---|---|---|
| append rate, records/s (sim flash) | ${fmt(ours)} | ${fmt(jsonOnFlash)} on the same flash; ${fmt(jsonInRam)} to an in-RAM array | ${(ours / jsonOnFlash).toFixed(2)}× the JSON-on-flash rate |
| bytes per day of this mix | ${fmt(ourBytesPerDay)} | ${fmt(jsonBytesPerDay)} | ${(jsonBytesPerDay / ourBytesPerDay).toFixed(1)}× smaller |
| records per KiB | ${fmt((1024 * perDay) / ourBytesPerDay, 1)} | ${fmt((1024 * perDay) / jsonBytesPerDay, 1)} | |
| days held without a host ack, ${kib(r256.sectors)} KiB | **${r256.days.toFixed(1)} days** | ${r256.jsonDays.toFixed(1)} days in the same ${kib(r256.sectors)} KiB | |
| days held without a host ack, ${kib(r1m.sectors)} KiB | **${r1m.days.toFixed(1)} days** | ${r1m.jsonDays.toFixed(1)} days | |
| days held without a host ack, ${kib(r4m.sectors)} KiB | **${r4m.days.toFixed(1)} days** | ${r4m.jsonDays.toFixed(1)} days | |

"Days held" fills a fresh journal with the day's records in order until it refuses with JOURNAL_FULL (records do
not span sectors; acknowledgements take no record space, they clear bits in each sector's ack field).

### Recovery of a full journal (every record unacknowledged)

| journal | records | mount (recovery) | flash the mount reads | verify(): every record read and checked | one sequential read of the partition | that read + CRC-32 of every byte | mount ÷ read | verify ÷ read + CRC |
|---|---|---|---|---|---|---|---|---|
${recoveryRows}

Mount is \`Journal.mount\`, best of 50 (as the read): it reads each sector's header and ack field (one small read per sector)
and recovers the newest sector in one pass, the only one a power cut can have left unfinished; older sectors are
checked record by record when they are read (cursor) or by \`verify()\`, best of 5, which reads the whole
partition through every record's CRC. The peers read the same simulated partition through the same HAL, 4 KiB
at a time; the second also runs the same CRC-32 over every byte. All figures are Node on this machine, where
reading simulated flash is a memory copy, so the mount's fixed cost (one sector's entries through their CRCs)
weighs most against the smallest partition; on a device, where a sequential read of 1 MiB takes tens of
milliseconds, what counts is the flash the mount reads.

### State store wear (full scale, 3 simulated days)

Store: 8 sectors of 4 KiB (two 16 KiB banks). Updates: the 40-slot state table (320 B) every 3 minutes,
one of 12 MSD reels' snapshot (32 B) every 5 minutes, the 8 KiB work order once a day. Peer, same updates: erase
and rewrite the key's own sector on every update (the naive way, which a cut between erase and write would also
lose).

| | SMT Warden store | erase-and-rewrite per key |
|---|---|---|
| erases per sector per day, hottest sector | ${oursMax.toFixed(1)} | ${naiveMax.toFixed(1)} |
| erases per sector per day, coolest sector in use | ${oursMin.toFixed(1)} | ${Math.min(...naiveUsed).toFixed(1)} |
| years to 100,000 erase cycles (hottest sector) | ${fmt(100_000 / oursMax / 365, 1)} | ${fmt(100_000 / naiveMax / 365, 2)} |`;
  return { title: 'Storage: journal on NOR flash', body };
}
