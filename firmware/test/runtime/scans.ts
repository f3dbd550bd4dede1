// Raw scans of the demo order's reels, exactly as scanners delivered them (from the reference sample payloads).
import { SAMPLE_SCANS } from '../label/samples';

function raw(id: string): string {
  const s = SAMPLE_SCANS.find((x) => x.id === id);
  if (s === undefined) throw new Error(`no sample ${id}`);
  return s.raw;
}

const cl21 = raw('binner-digikey-cl21');

/** The demo order (firmware/test/setup/helpers.ts demoOrder) slot by slot: position → a reel that fits it. */
export const REELS = {
  'B1.F.1': cl21,
  'B1.F.2': raw('binner-digikey-wurth-cap'),
  'B1.F.3': raw('binner-liteon'),
  'B1.F.4': raw('binner-ti-msl'),
  'B1.F.5': raw('firebin-lcsc-real'),
  // A second reel of the CL21 capacitor: the same label with another lot, so another reel key.
  'B1.F.6': cl21.replace('1TBI1BT6B', '1TBI1BT7C'),
} as const;

export const POSITIONS = ['B1.F.1', 'B1.F.2', 'B1.F.3', 'B1.F.4', 'B1.F.5', 'B1.F.6'] as const;
