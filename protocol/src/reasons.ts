// The one reason-code enumeration of SMT Warden. Interlocks, Nacks, Modbus registers, the journal and the CLI
// all carry these numbers. A code's number and name never change once released; new codes are appended in
// free numbers of their range. Docs (PROTOCOL.md) and the register map are generated from this table.
import { frozen } from './frozen';

export type ReasonCategory =
  | 'general'
  | 'framing'
  | 'auth'
  | 'message'
  | 'session'
  | 'setup'
  | 'msd'
  | 'program'
  | 'storage'
  | 'system'
  | 'input'
  | 'modbus';

export interface ReasonDef {
  readonly code: number;
  readonly category: ReasonCategory;
  readonly meaning: string;
}

// Ranges: 0 ok · 1–99 general · 100–149 framing · 150–199 auth · 200–249 message · 250–299 session ·
// 300–399 setup/reel · 400–499 MSD · 500–549 program/first-off · 550–599 storage · 600–699 system ·
// 700–799 input (CLI and documents) · 800–819 Modbus.
export const REASONS = {
  OK: { code: 0, category: 'general', meaning: 'No reason: the check passed.' },
  INTERNAL_ERROR: { code: 1, category: 'general', meaning: 'An internal invariant failed; the station went fail-safe.' },
  BUSY: { code: 2, category: 'general', meaning: 'The receiver cannot take the request now; retry later.' },
  NOT_IMPLEMENTED: { code: 3, category: 'general', meaning: 'The request is understood but this station does not support it.' },

  FRAME_TOO_SHORT: { code: 100, category: 'framing', meaning: 'The frame is shorter than header, MAC and CRC together.' },
  FRAME_OVERSIZE: { code: 101, category: 'framing', meaning: 'The frame exceeds the maximum frame size before its delimiter.' },
  BAD_COBS: { code: 102, category: 'framing', meaning: 'The frame is not valid COBS (a code byte points past the end).' },
  BAD_CRC: { code: 103, category: 'framing', meaning: 'The CRC-32 does not match: the frame was damaged on the line.' },
  BAD_HEADER: { code: 104, category: 'framing', meaning: 'The header is malformed (reserved flag bits set).' },
  VERSION_MISMATCH: { code: 105, category: 'framing', meaning: 'The protocol major version differs from ours; the frame cannot be read.' },
  VERSION_UNSUPPORTED: { code: 106, category: 'framing', meaning: 'The frame\'s minor version is not supported: newer than ours (negotiate down with Hello), or a Hello below 1.1.' },

  UNKNOWN_KEY: { code: 150, category: 'auth', meaning: 'No secret is installed for the frame\'s station id and key id.' },
  BAD_MAC: { code: 151, category: 'auth', meaning: 'The MAC does not verify under the key for this station, direction and session: forged or corrupted.' },
  REPLAY: { code: 152, category: 'auth', meaning: 'The counter is not greater than the last one accepted on its stream (station, key id, direction).' },
  WRONG_STATION: { code: 153, category: 'auth', meaning: 'The frame is addressed to another station id.' },
  WRONG_DIRECTION: { code: 154, category: 'auth', meaning: 'The frame claims our own direction (a reflected frame).' },
  COUNTER_EXHAUSTED: { code: 155, category: 'auth', meaning: 'The sending counter reached its maximum; rotate the key.' },
  KEY_TOO_SHORT: { code: 156, category: 'auth', meaning: 'A key or station secret is shorter than 16 bytes; it was refused.' },
  HANDSHAKE_STALE: { code: 157, category: 'auth', meaning: 'A HelloAck or a Nack of Hello does not answer our current Hello (another nonce or counter).' },
  HANDSHAKE_CROSSED: { code: 158, category: 'auth', meaning: 'Both ends sent Hello at once; the station\'s Hello wins and the host\'s is dropped.' },
  MAC_BUDGET_EXHAUSTED: { code: 159, category: 'auth', meaning: 'The link spent its budget of MAC checks (a flood); the frame was dropped unchecked.' },
  COUNTER_NOT_RESERVED: { code: 160, category: 'auth', meaning: 'The sending counter could not be reserved in durable storage; nothing was sent.' },

  UNKNOWN_MESSAGE_TYPE: { code: 200, category: 'message', meaning: 'The message type is not defined in this protocol version.' },
  MALFORMED_PAYLOAD: { code: 201, category: 'message', meaning: 'The payload does not match the message schema (short, long, or bad value).' },
  FIELD_OUT_OF_RANGE: { code: 202, category: 'message', meaning: 'A field value is outside its schema range or length.' },
  BAD_UTF8: { code: 203, category: 'message', meaning: 'A text field is not valid UTF-8.' },
  UNEXPECTED_MESSAGE: { code: 204, category: 'message', meaning: 'The message is valid but not expected in this direction or state.' },

  NO_SESSION: { code: 250, category: 'session', meaning: 'No session is established for this frame (or its key id): a Hello comes first.' },
  TRANSFER_UNKNOWN: { code: 251, category: 'session', meaning: 'A chunk or commit names a transfer that was not begun.' },
  TRANSFER_INCOMPLETE: { code: 252, category: 'session', meaning: 'A commit arrived before every chunk of the transfer.' },
  TRANSFER_MISMATCH: { code: 253, category: 'session', meaning: 'The committed digest or count differs from what was received.' },
  TRANSFER_DUPLICATE_CHUNK: { code: 254, category: 'session', meaning: 'A chunk index arrived twice with different content.' },
  LIMIT_EXCEEDED: { code: 255, category: 'session', meaning: 'The request exceeds a station limit (slots, reels, approved parts).' },
  TIME_NOT_SET: { code: 256, category: 'session', meaning: 'The station clock has not been synchronised.' },
  TRANSFER_ID_REUSED: { code: 257, category: 'session', meaning: 'A WorkOrderBegin names a transfer id not above every one used before in this session.' },
  TRANSFER_EMPTY: { code: 258, category: 'session', meaning: 'A work order with no slots; ClearWorkOrder ends a work order.' },

  NO_WORK_ORDER: { code: 300, category: 'setup', meaning: 'No work order is active on the station.' },
  WRONG_PART: { code: 301, category: 'setup', meaning: 'The reel\'s part is not approved for this slot.' },
  ALTERNATE_NOT_PERMITTED: { code: 302, category: 'setup', meaning: 'The part is an alternate that this slot does not permit.' },
  MANUFACTURER_NOT_APPROVED: { code: 303, category: 'setup', meaning: 'The part number matches but its manufacturer is not on the AVL.' },
  WRONG_SLOT: { code: 304, category: 'setup', meaning: 'The reel belongs to another slot of this work order.' },
  UNKNOWN_REEL: { code: 305, category: 'setup', meaning: 'The reel id is not known to the station or host.' },
  DUPLICATE_REEL: { code: 306, category: 'setup', meaning: 'The same reel id is already loaded on another slot.' },
  QUANTITY_EMPTY: { code: 307, category: 'setup', meaning: 'The reel quantity is zero.' },
  QUANTITY_LOW: { code: 308, category: 'setup', meaning: 'The reel quantity is below the configured minimum.' },
  SHELF_LIFE_EXPIRED: { code: 309, category: 'setup', meaning: 'The reel\'s shelf life or expiry date has passed.' },
  MSD_NOT_READY: { code: 310, category: 'setup', meaning: 'The reel is moisture sensitive and not within floor life.' },
  SLOT_NOT_VERIFIED: { code: 311, category: 'setup', meaning: 'A slot of the work order has not been verified.' },
  SLOT_UNKNOWN: { code: 312, category: 'setup', meaning: 'The slot id is not part of the active work order.' },
  SCAN_TIMEOUT: { code: 313, category: 'setup', meaning: 'The second scan of a slot/reel pair did not come in time.' },
  SCAN_UNREADABLE: { code: 314, category: 'setup', meaning: 'The scanned label could not be read without guessing.' },
  NOT_A_REEL_LABEL: { code: 315, category: 'setup', meaning: 'The scanned code is valid but not a reel label (e.g. a packing slip).' },
  SPLICE_MISMATCH: { code: 316, category: 'setup', meaning: 'The spliced reel does not satisfy the running slot.' },
  BOM_CHANGED: { code: 317, category: 'setup', meaning: 'The BOM revision changed; the slot must be verified again.' },
  LOT_OBSOLETE: { code: 318, category: 'setup', meaning: 'The lot is obsolete after a BOM revision change.' },
  REEL_RECORD_MISMATCH: { code: 319, category: 'setup', meaning: 'The reel label and the host\'s record of that reel disagree on part number or lot.' },
  SLOT_EMPTY: { code: 320, category: 'setup', meaning: 'The slot holds no reel to unload, move or splice.' },
  LABEL_TOO_LONG: { code: 330, category: 'setup', meaning: 'The scan exceeds the label parser\'s length or field-count limit.' },
  LABEL_AMBIGUOUS: { code: 331, category: 'setup', meaning: 'The scan has more than one valid reading (separators lost or garbled); rescan or enter by hand.' },
  LABEL_BAD_QUANTITY: { code: 332, category: 'setup', meaning: 'The label\'s quantity is not a plain non-negative integer.' },
  LABEL_CONFLICT: { code: 333, category: 'setup', meaning: 'The label repeats a field with different values.' },
  LABEL_MIXED_LOAD: { code: 334, category: 'setup', meaning: 'The label describes more than one part (mixed load); scan each part\'s own label.' },
  QUICK_ASSIGN_AMBIGUOUS: { code: 321, category: 'setup', meaning: 'Quick assign: the reel\'s part fits no open BOM line, or more than one; scan the slot first.' },
  MANUAL_ENTRY_REFUSED: { code: 322, category: 'setup', meaning: 'A manual lot entry is incomplete or not allowed here (a technician or above must enter MPN, maker, lot, quantity and a reason).' },
  REEL_ID_CHECK_FAILED: { code: 335, category: 'setup', meaning: 'A station reel-ID label fails its check character or syntax.' },
  LABEL_WRONG_CODE_PAGE: { code: 336, category: 'setup', meaning: 'The scan holds characters no reel label has (half-width katakana, mojibake): the scanner or keyboard wedge is in the wrong code page or input mode.' },
  LABEL_LAYOUT_INVALID: { code: 337, category: 'setup', meaning: 'A reel-label layout is malformed or inconsistent; the detail names the field. The station keeps the layouts it had.' },
  LABEL_LAYOUT_UNKNOWN: { code: 338, category: 'setup', meaning: 'The request names a loaded reel-label layout the station does not hold.' },
  LABEL_LAYOUT_UNDETERMINED: { code: 339, category: 'setup', meaning: 'The sample scans do not determine one layout (a field fits two places, or no place); give more or more varied samples.' },

  MSD_EXPIRED: { code: 400, category: 'msd', meaning: 'The floor life is used up; bake before use.' },
  MSD_NEEDS_BAKE: { code: 401, category: 'msd', meaning: 'A rule (HIC reading, MSL 6, shelf life) requires a bake before use.' },
  MSD_CONDITIONS_UNRATED: { code: 402, category: 'msd', meaning: 'Ambient conditions are outside the rated table; a supervisor must decide.' },
  MSD_SENSOR_STALE: { code: 403, category: 'msd', meaning: 'No valid temperature/RH sample within the staleness limit; worst case assumed.' },
  MSD_CLOCK_LOST: { code: 404, category: 'msd', meaning: 'Wall time was lost; MSD slots are blocked until the host syncs the clock.' },
  MSD_REMAINING_LOW: { code: 405, category: 'msd', meaning: 'Remaining floor life is below time to reflow plus margin.' },
  MSD_BAKE_REJECTED: { code: 406, category: 'msd', meaning: 'The bake does not meet the table for this class, level and overtime.' },
  MSD_BAKE_LIMIT: { code: 407, category: 'msd', meaning: 'The cumulative bake time limit would be exceeded.' },
  MSD_HIC_WET: { code: 408, category: 'msd', meaning: 'The humidity indicator card read wet at opening.' },
  MSD_SHELF_LIFE: { code: 409, category: 'msd', meaning: 'The sealed bag is past its shelf life.' },
  MSD_LEVEL_UNKNOWN: { code: 410, category: 'msd', meaning: 'The moisture sensitivity level is not known.' },
  MSD_SCRAPPED: { code: 411, category: 'msd', meaning: 'A supervisor scrapped the reel.' },
  MSD_TOL_UNKNOWN: { code: 412, category: 'msd', meaning: 'An MSL 6 reel has no time on label (TOL), so its floor life after the bake is unknown.' },
  MSD_BAKE_SIGNOFF: { code: 413, category: 'msd', meaning: 'A bake did not reset the floor life by itself: a supervisor must release it naming its specification. The reason beside it says why (MSD_BAKE_OFF_TABLE: a temperature off Table 4-1 or not stated; MSD_BAKE_CARRIER: no carrier stated for a bake above 90 °C); alone, the bake table has no value for this body and level.' },
  MSD_EVENT_ORDER: { code: 414, category: 'msd', meaning: 'An MSD event is dated before the event that precedes it.' },
  MSD_EVENT_UNEXPECTED: { code: 415, category: 'msd', meaning: 'An MSD event is impossible in the reel\'s current state (e.g. bake-end without bake-start).' },
  MSD_EVENT_INVALID: { code: 416, category: 'msd', meaning: 'An MSD event or reel record has a missing or out-of-range field.' },
  MSD_TABLE_INVALID: { code: 417, category: 'msd', meaning: 'A floor-life or bake table is malformed (shape, range, monotonicity or nominal check).' },
  MSD_SENSOR_IMPLAUSIBLE: { code: 418, category: 'msd', meaning: 'A temperature/RH reading is physically implausible (a sensor fault code such as -40 °C or 0 %RH); it counts as no valid sample.' },
  MSD_HIC_UNREAD: { code: 419, category: 'msd', meaning: 'The humidity indicator card was not read when the bag was opened; an unread card is not a dry card, so the reel needs a bake.' },
  MSD_BAKE_OFF_TABLE: { code: 420, category: 'msd', meaning: 'The bake temperature is not a Table 4-1 condition (125, 90 or 40 °C) or was not stated; below 40 °C it is refused, otherwise a supervisor must release it naming its specification.' },
  MSD_BAKE_CARRIER: { code: 421, category: 'msd', meaning: 'The carrier cannot take the bake temperature (tape and reel, tubes not rated high-temperature), or was not stated for a bake above 90 °C.' },
  MSD_CABINET_STALE: { code: 422, category: 'msd', meaning: 'No valid dry-cabinet sample within the staleness limit; worst case assumed.' },
  MSD_CLASS_CONFLICT: { code: 423, category: 'msd', meaning: 'The stated thickness class contradicts the body thickness or package type (Table 7-1); the more restrictive class is used.' },
  MSD_BAKE_SHORT: { code: 424, category: 'msd', meaning: 'The bake spent less time at temperature than Table 4-1 requires; interruptions never count as bake time.' },
  MSD_BAKE_RH: { code: 425, category: 'msd', meaning: 'A 90 °C or 40 °C bake counts only with the oven humidity shown at or below 5 %RH.' },
  MSD_BAKE_UNTIMED: { code: 426, category: 'msd', meaning: 'The clock was lost during the bake, so its time at temperature is unknown.' },

  PROGRAM_MISMATCH: { code: 500, category: 'program', meaning: 'The machine program name or revision differs from the work order.' },
  PROGRAM_CHECKSUM: { code: 501, category: 'program', meaning: 'The machine program checksum differs from the work order.' },
  PROGRAM_UNKNOWN: { code: 502, category: 'program', meaning: 'The machine has not reported its program.' },
  FIRST_OFF_PENDING: { code: 503, category: 'program', meaning: 'The first-off board has not been inspected yet.' },
  FIRST_OFF_FAILED: { code: 504, category: 'program', meaning: 'The first-off inspection failed.' },
  OVERRIDE_DENIED: { code: 505, category: 'program', meaning: 'The override request was denied.' },
  OVERRIDE_EXPIRED: { code: 506, category: 'program', meaning: 'A granted override has expired.' },
  OPERATOR_REQUIRED: { code: 507, category: 'program', meaning: 'No operator with the needed role is logged in.' },
  RIGHTS_INSUFFICIENT: { code: 508, category: 'program', meaning: 'The logged-in operator\'s role does not allow this action.' },
  OVERRIDE_NOT_ALLOWED: { code: 509, category: 'program', meaning: 'This interlock can never be overridden (a part outside the AVL, a wrong program, MSD, clock, journal).' },
  PROGRAM_CHANGED: { code: 510, category: 'program', meaning: 'The machine program changed while a work order ran; the station holds until it matches and a first-off passes.' },
  BOARD_LIMIT_REACHED: { code: 511, category: 'program', meaning: 'The prototype work order\'s board count is reached.' },
  OPERATOR_UNKNOWN: { code: 512, category: 'program', meaning: 'The badge is not known to the station.' },

  JOURNAL_FULL: { code: 550, category: 'storage', meaning: 'The journal is full of unacknowledged records; production stops.' },
  JOURNAL_HIGH_WATER: { code: 551, category: 'storage', meaning: 'The journal passed its high-water mark; the host should read and ack.' },
  JOURNAL_TORN_TAIL: { code: 552, category: 'storage', meaning: 'Recovery discarded a torn record at the journal tail.' },
  STORE_CORRUPT: { code: 553, category: 'storage', meaning: 'The state store failed its integrity check.' },
  FLASH_WRITE_FAILED: { code: 554, category: 'storage', meaning: 'A flash program or erase did not verify.' },
  JOURNAL_SEQ_UNKNOWN: { code: 555, category: 'storage', meaning: 'The requested journal sequence number is not held.' },
  JOURNAL_CORRUPT: { code: 556, category: 'storage', meaning: 'Flash corrupted journal records after they were committed; they are reported by sequence number, never returned.' },
  STORE_FULL: { code: 557, category: 'storage', meaning: 'The state store cannot hold the value even after compaction.' },
  FLASH_READ_FAILED: { code: 558, category: 'storage', meaning: 'A flash read failed (device error or power lost).' },
  STORAGE_FORMAT_OLD: { code: 559, category: 'storage', meaning: 'The partition holds an older on-flash storage format; it is refused, never read as the current one.' },
  STORAGE_UNRECOGNISED: { code: 560, category: 'storage', meaning: 'The partition holds data that is not SMT Warden storage; it was left untouched.' },
  FLASH_ENCRYPTED: { code: 561, category: 'storage', meaning: 'Erased flash reads as noise: flash encryption is on for this partition, which the storage cannot use.' },

  BOOTING: { code: 600, category: 'system', meaning: 'The station is starting and has not yet established a safe state.' },
  POWER_LOSS_RECOVERY: { code: 601, category: 'system', meaning: 'The station restarted after a power loss and is rechecking.' },
  CLOCK_INVALID: { code: 602, category: 'system', meaning: 'The real-time clock is not valid.' },
  SENSOR_FAULT: { code: 603, category: 'system', meaning: 'A required sensor is silent or out of range.' },
  HOST_OFFLINE: { code: 604, category: 'system', meaning: 'The host link is down beyond the allowed time.' },
  LOCKED_BY_HOST: { code: 605, category: 'system', meaning: 'The host locked the station.' },
  ALARM_UNACKNOWLEDGED: { code: 606, category: 'system', meaning: 'A critical alarm waits for a technician to acknowledge it.' },
  NOT_PROVISIONED: { code: 607, category: 'system', meaning: 'The station has no configuration or key yet; it refuses every host command until provisioned.' },
  BOARD_WITHOUT_PERMIT: { code: 608, category: 'system', meaning: 'The machine reported a board while the run permit was off.' },
  CONFIG_INVALID: { code: 609, category: 'system', meaning: 'A configuration document is malformed or out of range.' },
  COMMAND_TIMEOUT: { code: 610, category: 'system', meaning: 'A command barcode was not followed by the scan it needs in time.' },
  PLC_HEARTBEAT_LOST: { code: 620, category: 'system', meaning: 'The line PLC stopped writing its Modbus heartbeat register within the configured time.' },
  GATEWAY_STORE_CORRUPT: { code: 630, category: 'system', meaning: 'The line gateway found damage in its own store beyond a torn last write; it does not start on it.' },
  GATEWAY_STORE_FULL: { code: 631, category: 'system', meaning: 'The line gateway store reached its size limit; journal records stay on the stations (unacknowledged) until space is freed.' },
  GATEWAY_STORE_FAILED: { code: 632, category: 'system', meaning: 'A write or fsync of the line gateway store failed; nothing was acknowledged to the station.' },
  GATEWAY_LOCKED: { code: 633, category: 'system', meaning: 'Another line gateway process holds this data directory.' },
  STATION_UNREACHABLE: { code: 634, category: 'system', meaning: 'The line gateway cannot connect to the station (it retries with backoff).' },
  BROKER_UNREACHABLE: { code: 635, category: 'system', meaning: 'The line gateway cannot reach the AMQP broker, or the broker refused a message (it retries; records wait in the store).' },
  DEVICE_OPEN_FAILED: { code: 680, category: 'system', meaning: 'A device the board needs (serial port, pin, I²C sensor, TCP port) could not be opened; the station runs without it and names it.' },
  PLATFORM_UNSUPPORTED: { code: 681, category: 'system', meaning: 'The platform driver cannot apply a setting the configuration asks for (e.g. a UART parity); change the setting or the driver.' },
  BUDGET_EXCEEDED: { code: 682, category: 'system', meaning: 'A firmware bundle or its working set is larger than the controller\'s budget.' },
  TOOLCHAIN_MISSING: { code: 683, category: 'system', meaning: 'A device build tool is not installed (the Moddable SDK: set $MODDABLE and put mcconfig on the PATH).' },
  TOOLCHAIN_FAILED: { code: 684, category: 'system', meaning: 'The device build or flash tool failed; its own output says why.' },

  BAD_ARGUMENT: { code: 700, category: 'input', meaning: 'A command-line argument is missing or invalid.' },
  BAD_DOCUMENT: { code: 701, category: 'input', meaning: 'An input document is not valid JSON or misses a field.' },
  BAD_HEX: { code: 702, category: 'input', meaning: 'A hex string has odd length or non-hex characters.' },
  IO_ERROR: { code: 703, category: 'input', meaning: 'A file could not be read or written.' },
  DOCUMENT_FIELD_INVALID: { code: 704, category: 'input', meaning: 'A field of an input document (work-order document, line description, host record) is missing or out of range; the message names the field.' },
  BOM_COLUMN_MISSING: { code: 705, category: 'input', meaning: 'A BOM or AVL file lacks a column it needs (reference designators, part number, quantity); the message lists the columns found.' },
  BOM_ROW_INVALID: { code: 706, category: 'input', meaning: 'A BOM or AVL row has a bad value; the message names the line and the column.' },
  BOM_DUPLICATE_CONFLICT: { code: 707, category: 'input', meaning: 'A reference designator, part or position appears twice in a BOM with different data.' },
  DUMP_TRUNCATED: { code: 708, category: 'input', meaning: 'A journal dump is shorter than its partition: it is read up to its end, and records after that may be missing.' },
  HOST_RECORD_CONFLICT: { code: 709, category: 'input', meaning: 'A record the host collected differs from the station journal\'s record of the same sequence number (the journal\'s is used).' },
  WORK_ORDER_DOC_UNMATCHED: { code: 710, category: 'input', meaning: 'No work-order document matches a work order in the journal (work order id and BOM revision): reference designators and quantities per board are unknown.' },
  BOARD_NOT_FOUND: { code: 711, category: 'input', meaning: 'No journal holds a board of that id.' },
  PROTOTYPE_QUANTITY_INVALID: { code: 712, category: 'input', meaning: 'A work order flagged prototype (quick assign) must be 1 to 5 boards: maxBoards 1..5 and a planned quantity of no more than 5. The station refuses it at activation and keeps the order it had.' },
  SCENARIO_INVALID: { code: 740, category: 'input', meaning: 'A simulation scenario document is malformed or out of range; the detail names the field.' },
  SCENARIO_UNKNOWN: { code: 741, category: 'input', meaning: 'No built-in simulation scenario has that name, and no such file exists.' },
  GATEWAY_CONFIG_INVALID: { code: 760, category: 'input', meaning: 'The line gateway configuration document is malformed; the field is named.' },
  GATEWAY_KEYS_INVALID: { code: 761, category: 'input', meaning: 'The line gateway key file or key variable is missing, malformed, or lacks a key a station needs.' },
  GATEWAY_KEYS_EXPOSED: { code: 762, category: 'input', meaning: 'The line gateway key file can be read by other users (it must be mode 0600 or 0400) or sits in the configuration.' },
  CFX_REQUEST_INVALID: { code: 763, category: 'input', meaning: 'A CFX request from the broker is not a CFX envelope, or misses a field its message needs.' },
  CFX_REQUEST_UNSUPPORTED: { code: 764, category: 'input', meaning: 'The CFX request is valid but a station cannot honour it (answered with NotSupportedResponse).' },
  CFX_TARGET_UNKNOWN: { code: 765, category: 'input', meaning: 'The CFX request names a target handle that is neither the gateway nor one of its stations.' },
  CFX_UNLOCK_REFUSED: { code: 766, category: 'input', meaning: 'An UnlockStationRequest from the broker may lift only a lock the broker placed; this lock came from elsewhere.' },
  GATEWAY_DOCUMENT_INVALID: { code: 767, category: 'input', meaning: 'A document given to the gateway (work order, reels, MSD events) is invalid; the field is named.' },

  MODBUS_CONFIG_INVALID: { code: 800, category: 'modbus', meaning: 'A Modbus server setting is out of range (unit address, line settings, connection limits, timeouts).' },
} as const satisfies Record<string, ReasonDef>;
frozen(REASONS);

export type ReasonName = keyof typeof REASONS;
export type ReasonCode = (typeof REASONS)[ReasonName]['code'];

/** Name → number, for code that writes `Reason.BAD_MAC`. */
export const Reason = frozen(Object.fromEntries(
  Object.entries(REASONS).map(([name, def]) => [name, def.code]),
)) as { readonly [N in ReasonName]: (typeof REASONS)[N]['code'] };

const BY_CODE: ReadonlyMap<number, ReasonName> = new Map(
  (Object.keys(REASONS) as ReasonName[]).map((name) => [REASONS[name].code, name]),
);

/** The name of a reason code, or undefined for a number this version does not define. */
export function reasonName(code: number): ReasonName | undefined {
  return BY_CODE.get(code);
}

export function isReasonCode(code: number): code is ReasonCode {
  return BY_CODE.has(code);
}
