// What a scanned reel label says, and the parser's verdict. Consumed by setup verification.
import type { MsdLevel } from '../../../protocol/src/messages';
import type { ReasonName } from '../../../protocol/src/reasons';

/** What a reel label says. Absent = not on the label; '' = present but empty. dateCode verbatim. */
export interface ReelLabel {
  /** e.g. 'eigp114-digikey', 'eigp114-mouser', 'tme-qr', 'lcsc-qr', 'warden-reel', 'mfr-…' */
  readonly format: string;
  readonly mpn?: string;
  readonly qty?: number;
  readonly lot?: string;
  readonly dateCode?: string;
  readonly supplierPn?: string;
  readonly customerPn?: string;
  readonly customerPo?: string;
  readonly salesOrder?: string;
  readonly invoice?: string;
  readonly countryOfOrigin?: string;
  readonly manufacturer?: string;
  readonly msl?: MsdLevel;
  /** A unique package id when the label has one (station reel-ID label, S/3S/4S package ids, …). */
  readonly reelId?: string;
  /** 14D etc. verbatim, when present. */
  readonly expiryDate?: string;
  /** Line item of the order: Mouser 14K, Farnell 4K, the `/line` of a TME order. */
  readonly orderLine?: string;
}

export type LabelResult =
  | { readonly ok: true; readonly label: ReelLabel }
  | { readonly ok: false; readonly reason: ReasonName; readonly message: string };
