// The program-revision interlock and the first-off check. The machine (or a scanned program label) reports the
// program it runs; it must equal the work order's approved name, revision and checksum. After a setup completes
// or the program changes, exactly one board may be built; then the station holds until a first-off verdict.
import type { Reject, CoreState, FirstOff, ProgramReport } from './types';

/** Why the reported program does not match the order's, or undefined when it does (or no order is active). */
export function programBlock(s: CoreState): Reject | undefined {
  const order = s.setup.order;
  if (order === undefined) return undefined;
  const want = order.order.header;
  const got = s.program;
  if (got === undefined) return 'PROGRAM_UNKNOWN';
  if (got.name.trim() !== want.recipeName.trim() || got.revision.trim() !== want.recipeRevision.trim()) return 'PROGRAM_MISMATCH';
  if (got.checksum >>> 0 !== want.recipeChecksum >>> 0) return 'PROGRAM_CHECKSUM';
  return undefined;
}

export function sameProgram(a: ProgramReport | undefined, b: ProgramReport | undefined): boolean {
  return a !== undefined && b !== undefined && a.name.trim() === b.name.trim() && a.revision.trim() === b.revision.trim() && a.checksum >>> 0 === b.checksum >>> 0;
}

/** A new first-off cycle, if the station asks for first-offs at all. */
export function firstOffAgain(s: CoreState, now: number): FirstOff {
  return s.config.firstOff ? { phase: 'one-board', since: now } : { phase: 'not-required' };
}

/** What the first-off state adds to the permit. */
export function firstOffBlock(f: FirstOff): Reject | undefined {
  return f.phase === 'awaiting' ? 'FIRST_OFF_PENDING' : f.phase === 'failed' ? 'FIRST_OFF_FAILED' : undefined;
}

/**
 * Parses a program label: `name|revision|checksum-hex` after the program prefix. The checksum is what the
 * machine shows for its program (hex, up to 8 digits).
 */
export function parseProgramLabel(text: string): ProgramReportFields | undefined {
  const parts = text.split('|');
  if (parts.length !== 3) return undefined;
  const [name, revision, sum] = parts.map((p) => p.trim()) as [string, string, string];
  if (name === '' || revision === '' || !/^[0-9a-fA-F]{1,8}$/.test(sum)) return undefined;
  if (name.length > 40 || revision.length > 16) return undefined;
  return { name, revision, checksum: parseInt(sum, 16) >>> 0 };
}

export interface ProgramReportFields {
  readonly name: string;
  readonly revision: string;
  readonly checksum: number;
}
