// The station messages setup verification asks the runtime to send and journal. Every text is fitted to its
// wire limit here, so an effect always encodes.
import type { ReasonName } from '../../../protocol/src/reasons';
import { utf8Length } from '../../../protocol/src/utf8';
import type { LoadedReel, ReelFacts, SetupEffect, SetupMessage, Slot } from './types';

/** Unix seconds for a message's `at` from the station's epoch ms. */
function wireTime(now: number): number {
  return Math.floor(now / 1000);
}

/** `s` cut to at most `max` UTF-8 bytes, on a code point boundary. */
export function fit(s: string, max: number): string {
  if (utf8Length(s) <= max) return s;
  let out = '';
  let bytes = 0;
  for (const ch of s) {
    bytes += utf8Length(ch);
    if (bytes > max - 3) break;
    out += ch;
  }
  return `${out}…`;
}

const send = (message: SetupMessage): SetupEffect => ({ kind: 'send', message });

export function slotLoaded(now: number, slot: Slot, reel: ReelFacts): SetupEffect {
  return send({
    type: 'SlotLoaded',
    body: {
      at: wireTime(now),
      locationIdentifier: slot.position.trim(),
      uniqueIdentifier: reel.key,
      internalPartNumber: slot.internalPartNumber,
      // The wire field is required; 0 stands for "not counted" when neither label nor host gave a quantity.
      quantity: reel.quantity ?? 0,
      feederIdentifier: '',
    },
  });
}

/**
 * What the label said beyond SlotVerified (manufacturer, date code, MSL), journaled whenever a reel starts to feed a
 * slot: the per-board trace's date code and maker of a scanned reel come from it.
 */
export function reelIdentified(now: number, slot: Slot, reel: LoadedReel): SetupEffect {
  const l = reel.label;
  return send({
    type: 'ReelIdentified',
    body: {
      at: wireTime(now),
      locationIdentifier: slot.position.trim(),
      uniqueIdentifier: reel.facts.key,
      labelFormat: fit(l.format, 24),
      manufacturer: fit(reel.facts.labelManufacturer ?? '', 32),
      dateCode: fit((l.dateCode ?? '').trim(), 32),
      ...(l.msl === undefined ? {} : { msdLevel: l.msl }),
    },
  });
}

export function slotVerified(now: number, slot: Slot, reel: LoadedReel, generation: number): SetupEffect {
  return send({
    type: 'SlotVerified',
    body: {
      at: wireTime(now),
      locationIdentifier: slot.position.trim(),
      uniqueIdentifier: reel.facts.key,
      manufacturerPartNumber: reel.approvedMpn,
      manufacturerLotCode: reel.facts.lot ?? '',
      permission: reel.permission,
      setupGeneration: generation,
    },
  });
}

export function slotRejected(now: number, slot: Slot, reelKey: string, reason: ReasonName, detail: string): SetupEffect {
  return send({
    type: 'SlotRejected',
    body: {
      at: wireTime(now),
      locationIdentifier: slot.position.trim(),
      uniqueIdentifier: reelKey,
      reason,
      detail: fit(detail, 64),
    },
  });
}

export function slotUnloaded(now: number, slot: Slot, reelKey: string, generation: number, remaining?: number): SetupEffect {
  return send({
    type: 'SlotUnloaded',
    body: {
      at: wireTime(now),
      locationIdentifier: slot.position.trim(),
      uniqueIdentifier: reelKey,
      ...(remaining === undefined ? {} : { remainingQuantity: remaining }),
      setupGeneration: generation,
    },
  });
}

export function spliced(
  now: number,
  slot: Slot,
  depleted: string,
  newlyActive: string,
  result: ReasonName,
  generation: number,
): SetupEffect {
  return send({
    type: 'Splice',
    body: {
      at: wireTime(now),
      locationIdentifier: slot.position.trim(),
      depletedUniqueIdentifier: depleted,
      newlyActiveUniqueIdentifier: newlyActive,
      result,
      setupGeneration: generation,
    },
  });
}

export function limitAlarm(now: number, text: string): SetupEffect {
  return send({
    type: 'Alarm',
    body: { at: wireTime(now), severity: 'warning', raised: true, reason: 'LIMIT_EXCEEDED', text: fit(text, 80) },
  });
}
