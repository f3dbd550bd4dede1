// What the gateway is given to send to its stations: work-order documents (as `warden bom import` writes them, read
// by host-sim/host/work-order-doc.ts), host-message documents (reel records, MSD events, badges, MSL tables, label
// layouts from the MES integration or the warehouse) and a layout document alone, as `warden label learn` writes
// it. All arrive through the gateway's inbox folder (`warden gateway push` puts them there atomically); the broker
// is never a way in for these, since a reel record or an MSD event can make a reel usable. Validation is total and
// names the field.
import type { Message, MessageName } from '../../../protocol/src/messages';
import { readHostMessage } from '../../../host-sim/host/host-message';
import { describeProblems, parseWorkOrderDoc, type DocProblem, type WorkOrderDoc } from '../../../host-sim/host/work-order-doc';

export const HOST_MESSAGES_FORMAT = 'smt-warden.host-messages';
export const MAX_DOC_MESSAGES = 4096;

/** Host messages a document may carry: what the host tells stations about reels, people, tables and layouts. */
export const PUSHABLE = ['ReelRecord', 'MsdEvent', 'MsdDisposition', 'BadgeRecord', 'MslTableLoad', 'LabelLayoutLoad', 'LabelLayoutRemove'] as const satisfies readonly MessageName[];

export interface HostMessagesDoc {
  readonly format: typeof HOST_MESSAGES_FORMAT;
  readonly version: 1;
  readonly stations?: readonly number[];
  readonly messages: readonly Message[];
}

export type PushDocument = { readonly kind: 'work-order'; readonly doc: WorkOrderDoc } | { readonly kind: 'host-messages'; readonly doc: HostMessagesDoc };

export type PushResult = { readonly ok: true; readonly document: PushDocument } | { readonly ok: false; readonly problems: readonly DocProblem[] };

/**
 * Reads either kind of document, by its `format`; or a layout document alone (`warden label learn --out` writes one:
 * no `format`, a `layoutId`), which is one LabelLayoutLoad for every station.
 */
export function parsePushDocument(v: unknown): PushResult {
  const format = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)['format'] : undefined;
  if (format === undefined && typeof v === 'object' && v !== null && !Array.isArray(v) && 'layoutId' in v) {
    const r = readHostMessage({ type: 'LabelLayoutLoad', body: v }, PUSHABLE);
    if (!r.ok) return { ok: false, problems: [{ field: 'layout', message: r.detail }] };
    return { ok: true, document: { kind: 'host-messages', doc: { format: HOST_MESSAGES_FORMAT, version: 1, messages: [r.message] } } };
  }
  if (format === 'smt-warden.work-order') {
    const r = parseWorkOrderDoc(v);
    return r.ok ? { ok: true, document: { kind: 'work-order', doc: r.doc } } : r;
  }
  if (format !== HOST_MESSAGES_FORMAT) return { ok: false, problems: [{ field: 'format', message: `"smt-warden.work-order" (warden bom import) or "${HOST_MESSAGES_FORMAT}", or a layout document (warden label learn --out)` }] };
  const o = v as Record<string, unknown>;
  const problems: DocProblem[] = [];
  for (const k of Object.keys(o)) if (!['format', 'version', 'stations', 'messages'].includes(k)) problems.push({ field: k, message: 'not a field of this document (fields: format, version, stations, messages)' });
  if (o['version'] !== 1) problems.push({ field: 'version', message: '1 (this reader knows no other)' });
  let stations: number[] | undefined;
  if (o['stations'] !== undefined) {
    if (!Array.isArray(o['stations'])) problems.push({ field: 'stations', message: 'a list of station ids' });
    else {
      stations = [];
      o['stations'].forEach((x, i) => {
        if (typeof x !== 'number' || !Number.isInteger(x) || x < 1 || x > 65534) problems.push({ field: `stations[${i}]`, message: 'a station id 1..65534' });
        else stations!.push(x);
      });
    }
  }
  const messages: Message[] = [];
  const list = o['messages'];
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_DOC_MESSAGES) problems.push({ field: 'messages', message: `a list of 1..${MAX_DOC_MESSAGES} messages {"type", "body"}` });
  else
    list.forEach((m, i) => {
      const f = `messages[${i}]`;
      const r = readHostMessage(m, PUSHABLE);
      if (!r.ok) problems.push({ field: `${f}.${r.field}`, message: r.detail });
      else messages.push(r.message);
    });
  if (problems.length > 0) return { ok: false, problems: problems.slice(0, 50) };
  return { ok: true, document: { kind: 'host-messages', doc: { format: HOST_MESSAGES_FORMAT, version: 1, ...(stations === undefined ? {} : { stations }), messages } } };
}

/** Stations of `all` a document is for. */
export function targetsOf(d: PushDocument, all: readonly number[]): number[] {
  const want = d.doc.stations;
  return want === undefined ? [...all] : all.filter((s) => want.includes(s));
}

export { describeProblems };
