// CFX requests from the broker, mapped onto what a station can honour. Pure: a request's text and the gateway's
// picture of its stations in, a plan out (station commands to send, and how to answer once they are answered).
// The mapping can only take permission away:
//   LockStationRequest     → StationHold{hold: true}: the LOCKED_BY_HOST interlock is added;
//   UnlockStationRequest   → StationHold{hold: false}, and only for a lock the broker itself placed (requestor
//                            "MES:…"): it lifts that interlock and no other; the station's rules still decide;
//   BlockMaterialsRequest  → MsdEvent{event: expired} for each reel: the station blocks it (MSD_EXPIRED); a reel
//                            the station has no MSD history of cannot be blocked there and is reported so;
//   GetActiveRecipeRequest → answered from the station's journal (its last WorkOrderActivated), no command.
// Every other request is answered with CFX's NotSupportedResponse. A request that is not a CFX envelope is
// answered with a failed result where the envelope allows it, and never reaches a station.
import type { Message } from '../../../protocol/src/messages';
import { REASONS, type ReasonName } from '../../../protocol/src/reasons';
import type { CfxEnvelopeLike } from './feed';

/** What the gateway knows of a station, for requests. */
export interface RequestStation {
  readonly id: number;
  readonly handle: string;
  readonly lane: number;
  /** The station's host lock, as last journaled or acknowledged: by the broker (MES) or by anyone else. */
  readonly hold: 'mes' | 'other' | undefined;
  readonly recipe: { readonly name: string; readonly revision: string; readonly workOrder: string } | undefined;
}

export interface RequestContext {
  readonly gatewayHandle: string;
  readonly stations: readonly RequestStation[];
  /** Wall time (epoch ms). */
  readonly now: number;
  /** A fresh UniqueID for a response (responses are not journal records). */
  readonly newId: () => string;
}

export interface StationCommand {
  readonly stationId: number;
  readonly message: Message;
  /** The material package a block is for, to report which were not blocked. */
  readonly reel?: string;
}

export interface CommandResult {
  readonly command: StationCommand;
  readonly ok: boolean;
  readonly reason: ReasonName;
}

export type RequestPlan =
  | { readonly kind: 'answer'; readonly reply: CfxEnvelopeLike | undefined; readonly reason: ReasonName; readonly name: string }
  | { readonly kind: 'commands'; readonly name: string; readonly commands: readonly StationCommand[]; readonly finish: (results: readonly CommandResult[]) => CfxEnvelopeLike };

/** The requestor prefix of a lock placed from the broker. */
export const MES_REQUESTOR = 'MES:';

const NS = {
  getRecipe: 'CFX.Production.GetActiveRecipeRequest',
  lock: 'CFX.Production.LockStationRequest',
  unlock: 'CFX.Production.UnlockStationRequest',
  block: 'CFX.Materials.Management.BlockMaterialsRequest',
} as const;

const LOCK_REASONS = { QualityIssue: 'quality-issue', PreventativeMaintenance: 'preventive-maintenance', UnscheduledMaintenance: 'unscheduled-maintenance', GeneralLock: 'general' } as const;

type Obj = Record<string, unknown>;

function cut(s: string, bytes: number): string {
  let out = s;
  while (Buffer.byteLength(out, 'utf8') > bytes) out = out.slice(0, -1);
  return out;
}

function result(ok: boolean, reason: ReasonName, message: string, partial = false) {
  return { Result: ok ? (partial ? 'PartialSuccess' : 'Success') : 'Failed', ResultCode: ok && !partial ? 0 : REASONS[reason].code, Message: message };
}

/** Plans the answer to one request. Never throws. */
export function planRequest(text: string, ctx: RequestContext): RequestPlan {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { kind: 'answer', reply: undefined, reason: 'CFX_REQUEST_INVALID', name: '?' };
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { kind: 'answer', reply: undefined, reason: 'CFX_REQUEST_INVALID', name: '?' };
  const env = v as Obj;
  const name = typeof env['MessageName'] === 'string' ? env['MessageName'] : '?';
  const body = (typeof env['MessageBody'] === 'object' && env['MessageBody'] !== null && !Array.isArray(env['MessageBody']) ? env['MessageBody'] : undefined) as Obj | undefined;
  const source = typeof env['Source'] === 'string' ? env['Source'] : null;
  const requestId = typeof env['RequestID'] === 'string' ? env['RequestID'] : typeof env['UniqueID'] === 'string' ? env['UniqueID'] : null;
  const target = typeof env['Target'] === 'string' ? env['Target'] : ctx.gatewayHandle;
  const station = ctx.stations.find((s) => s.handle === target);
  const from = station?.handle ?? ctx.gatewayHandle;
  const reply = (responseName: string, fields: Obj): CfxEnvelopeLike => ({
    MessageName: responseName,
    Version: '2.1',
    TimeStamp: new Date(ctx.now).toISOString().replace('.000Z', 'Z'),
    UniqueID: ctx.newId(),
    Source: from,
    Target: source,
    RequestID: requestId,
    MessageBody: { $type: `${responseName}, CFX`, ...fields },
  });
  const failed = (responseName: string, reason: ReasonName, message: string, extra: Obj = {}): RequestPlan => ({ kind: 'answer', reply: reply(responseName, { Result: result(false, reason, message), ...extra }), reason, name });
  const responseOf = (n: string) => n.replace(/Request$/, 'Response');

  if (!name.endsWith('Request') || body === undefined) {
    return { kind: 'answer', reply: name.endsWith('Request') ? reply(responseOf(name), { Result: result(false, 'CFX_REQUEST_INVALID', 'the envelope has no MessageBody') }) : undefined, reason: 'CFX_REQUEST_INVALID', name };
  }
  if (!Object.values(NS).includes(name as never)) {
    return { kind: 'answer', reply: reply('CFX.NotSupportedResponse', { RequestResult: result(false, 'CFX_REQUEST_UNSUPPORTED', `${name}: not supported by an SMT Warden gateway (supported: ${Object.values(NS).join(', ')})`) }), reason: 'CFX_REQUEST_UNSUPPORTED', name };
  }
  if (target !== ctx.gatewayHandle && station === undefined) {
    return failed(responseOf(name), 'CFX_TARGET_UNKNOWN', `no station of this gateway has the handle ${target}`);
  }
  const stations = station === undefined ? ctx.stations : [station];
  const requestor = (o: unknown): string => {
    const x = typeof o === 'object' && o !== null ? (o as Obj) : {};
    const id = typeof x['OperatorIdentifier'] === 'string' && x['OperatorIdentifier'] !== '' ? x['OperatorIdentifier'] : typeof x['LoginName'] === 'string' ? x['LoginName'] : source ?? 'broker';
    return cut(`${MES_REQUESTOR}${id}`, 24);
  };
  const at = Math.floor(ctx.now / 1000);

  switch (name) {
    case NS.getRecipe: {
      if (station === undefined) return failed(responseOf(name), 'CFX_TARGET_UNKNOWN', 'GetActiveRecipeRequest is answered per station: set Target to a station handle');
      const r = station.recipe;
      if (r === undefined) return failed(responseOf(name), 'NO_WORK_ORDER', `station ${station.id} has no active work order`, { ActiveRecipeName: null, ActiveRecipeRevision: null });
      return { kind: 'answer', reply: reply(responseOf(name), { Result: result(true, 'OK', `work order ${r.workOrder}`), ActiveRecipeName: r.name, ActiveRecipeRevision: r.revision }), reason: 'OK', name };
    }
    case NS.lock:
    case NS.unlock: {
      const lock = name === NS.lock;
      const why = body['Reason'];
      if (lock && why !== undefined && !(typeof why === 'string' && why in LOCK_REASONS)) return failed(responseOf(name), 'CFX_REQUEST_INVALID', `Reason: one of ${Object.keys(LOCK_REASONS).join(', ')}`);
      if (!lock) {
        const other = stations.filter((s) => s.hold === 'other');
        if (other.length > 0) return failed(responseOf(name), 'CFX_UNLOCK_REFUSED', `station ${other.map((s) => s.id).join(', ')}: the lock was not placed from the broker; it is lifted where it was placed`);
      }
      const who = requestor(body['Requestor']);
      const commands = stations
        .filter((s) => lock || s.hold === 'mes')
        .map((s): StationCommand => ({
          stationId: s.id,
          message: { type: 'StationHold', body: { at, hold: lock, lockReason: LOCK_REASONS[(why as keyof typeof LOCK_REASONS | undefined) ?? 'GeneralLock'] ?? 'general', requestor: who, comment: cut(`CFX ${lock ? 'LockStationRequest' : 'UnlockStationRequest'} ${requestId ?? ''}`, 64) } },
        }));
      if (commands.length === 0) return { kind: 'answer', reply: reply(responseOf(name), { Result: result(true, 'OK', 'not locked from the broker: nothing to lift') }), reason: 'OK', name };
      return { kind: 'commands', name, commands, finish: (rs) => reply(responseOf(name), { Result: summary(rs, lock ? 'locked' : 'unlocked') }) };
    }
    case NS.block: {
      const ids = body['MaterialPackageIdentifiers'];
      if (!Array.isArray(ids) || ids.length === 0 || ids.length > 256 || !ids.every((x) => typeof x === 'string' && x !== '' && Buffer.byteLength(x) <= 32)) {
        return failed(responseOf(name), 'CFX_REQUEST_INVALID', 'MaterialPackageIdentifiers: 1..256 reel ids of 1..32 bytes', { MaterialsPackagesNotBlocked: Array.isArray(ids) ? ids.filter((x) => typeof x === 'string') : [] });
      }
      const commands = stations.flatMap((s) => (ids as string[]).map((id): StationCommand => ({ stationId: s.id, reel: id, message: { type: 'MsdEvent', body: { at, uniqueIdentifier: id, event: 'expired' } } })));
      return {
        kind: 'commands',
        name,
        commands,
        finish: (rs) => {
          const blocked = new Set(rs.filter((r) => r.ok).map((r) => r.command.reel));
          const not = (ids as string[]).filter((id) => !blocked.has(id));
          const ok = not.length < ids.length;
          return reply(responseOf(name), {
            Result: { ...result(ok, not.length === 0 ? 'OK' : 'UNKNOWN_REEL', not.length === 0 ? 'blocked (MSD_EXPIRED) at the stations that hold them' : `not blocked: no station here has an MSD history of ${not.join(', ')}`, ok && not.length > 0) },
            MaterialsPackagesNotBlocked: not,
          });
        },
      };
    }
    default:
      return { kind: 'answer', reply: undefined, reason: 'CFX_REQUEST_UNSUPPORTED', name };
  }
}

function summary(rs: readonly CommandResult[], done: string) {
  const bad = rs.filter((r) => !r.ok);
  if (bad.length === 0) return result(true, 'OK', `${done}: station ${rs.map((r) => r.command.stationId).join(', ')}`);
  const first = bad[0]!.reason;
  return result(bad.length < rs.length, first, `not ${done}: ${bad.map((r) => `station ${r.command.stationId} (${r.reason})`).join(', ')}`, bad.length < rs.length);
}
