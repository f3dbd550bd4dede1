// The generated tables of firmware/runtime/README.md: the configuration fields, operator rights, command
// barcodes, overridable interlocks and the journal-sizing arithmetic, all from their sources in the firmware.
import { encodePayload } from '../../../protocol/src/frame';
import type { Message } from '../../../protocol/src/messages';
import { EXAMPLES } from '../../../protocol/vectors/examples';
import { COMMANDS, configTable, DEFAULT_CONFIG, OVERRIDABLE, RIGHTS } from '../../../firmware/core/station';
import { entrySize } from '../../../firmware/storage';
import { journalLayout } from '../../../firmware/storage/journal';

const esc = (s: string) => s.replace(/\|/g, '\\|');

/** Bytes a record takes in the journal (entry header, payload, CRC and commit unit, 4-byte words). */
function entryBytes(m: Message): number {
  const p = encodePayload(m);
  if (!p.ok) throw new Error(`${m.type}: ${p.detail}`);
  return entrySize(p.payload.length, 4);
}

/** A line's weekend, as the runtime README assumes it. */
export const SIZING = {
  secondsPerBoard: 20,
  slots: 40,
  msdReelsPerBoard: 10,
  /** Each slot gets a new reel (a splice) this often. */
  spliceEveryHours: 2,
  /** Interlock changes, alarms and sensor records per day (a busy line). */
  otherRecordsPerDay: 300,
  /** Friday 14:00 to Monday 06:00: the longest the host may be away without anyone noticing. */
  weekendHours: 64,
  sectorBytes: 4096,
} as const;

export function journalSizing(): { perDay: number; weekend: number; neededKib: number; rows: string[][] } {
  const boardsPerDay = 86_400 / SIZING.secondsPerBoard;
  const board = entryBytes({ type: 'BoardTrace', body: { ...EXAMPLES.BoardTrace, unitIdentifier: 'SN-2026-000123', msdRemaining: Array.from({ length: SIZING.msdReelsPerBoard }, (_, i) => ({ slotIndex: i, remainingExposureTime: 100_000 })) } });
  const splice = entryBytes({ type: 'Splice', body: EXAMPLES.Splice }) + entryBytes({ type: 'ReelIdentified', body: EXAMPLES.ReelIdentified }) + entryBytes({ type: 'SlotVerified', body: EXAMPLES.SlotVerified });
  const splicesPerDay = (SIZING.slots * 24) / SIZING.spliceEveryHours;
  const other = entryBytes({ type: 'InterlockChanged', body: EXAMPLES.InterlockChanged });
  const rows: [string, number, number][] = [
    [`BoardTrace (${SIZING.msdReelsPerBoard} MSD reels), one per ${SIZING.secondsPerBoard} s`, boardsPerDay, board],
    [`Splice + ReelIdentified + SlotVerified, each of ${SIZING.slots} slots every ${SIZING.spliceEveryHours} h`, splicesPerDay, splice],
    ['interlock changes, alarms, sensor readings, logins', SIZING.otherRecordsPerDay, other],
  ];
  const perDay = rows.reduce((n, [, count, bytes]) => n + count * bytes, 0);
  const weekend = (perDay * SIZING.weekendHours) / 24;
  // Each sector loses its header and its acknowledgement field; the head sector is partly filled; the station warns
  // at the high-water mark and must not be there already when the weekend starts.
  const usable = (SIZING.sectorBytes - journalLayout(SIZING.sectorBytes, 4).dataStart) / SIZING.sectorBytes;
  const neededKib = Math.ceil(weekend / usable / (DEFAULT_CONFIG['journal.highWaterPct'] / 100) / 1024 + SIZING.sectorBytes / 1024);
  return {
    perDay,
    weekend,
    neededKib,
    rows: rows.map(([what, count, bytes]) => [what, String(Math.round(count)), String(bytes), (Math.round((count * bytes) / 1024)).toLocaleString('en')]),
  };
}

export function renderRuntimeSections(): Record<string, string> {
  const cfg = configTable();
  const sizing = journalSizing();
  return {
    config: ['| field | range | default | meaning |', '|---|---|---|---|', ...cfg.map((r) => `| \`${r.field}\` | ${r.range} | ${esc(r.def)} | ${esc(r.doc)} |`)].join('\n'),
    rights: ['| action | needs at least |', '|---|---|', ...Object.values(RIGHTS).map((r) => `| ${r.what} | ${r.role} |`)].join('\n'),
    commands: ['| barcode | what it does |', '|---|---|', ...Object.entries(COMMANDS).map(([c, x]) => `| \`CMD:${c}\` | ${esc(x.what)} |`)].join('\n'),
    overridable: OVERRIDABLE.map((r) => `\`${r}\``).join(', '),
    sizing: [
      '| records | per day | bytes each | KiB per day |',
      '|---|---|---|---|',
      ...sizing.rows.map((r) => `| ${r.join(' | ')} |`),
      `| **total** | | | **${Math.round(sizing.perDay / 1024).toLocaleString('en')}** |`,
      '',
      `A weekend of ${SIZING.weekendHours} h without host acknowledgements is ${Math.round(sizing.weekend / 1024).toLocaleString('en')} KiB of records. With each sector's header and ` +
        `acknowledgement field, and the ${DEFAULT_CONFIG['journal.highWaterPct']} % high-water warning not yet reached, the journal needs **${sizing.neededKib.toLocaleString('en')} KiB**; ` +
        `the default \`journal.kib\` is **${DEFAULT_CONFIG['journal.kib'].toLocaleString('en')} KiB**. ` +
        `A classic ESP32 module with 4 MB of flash has room for about a 1 MiB journal beside the application; at this line rate that holds ` +
        `${Math.floor(((1024 - SIZING.sectorBytes / 1024) * 1024 * (DEFAULT_CONFIG['journal.highWaterPct'] / 100)) / (sizing.perDay / 24))} h before the high-water warning: use an 8 MB or 16 MB module, or have the host collect over weekends.`,
    ].join('\n'),
  };
}
