// Which Table 7-1 thickness classes rate a reel. Table 7-1 sorts packages by body thickness (≥3.1 mm; 2.1-3.1 mm;
// <2.1 mm), with package-type exceptions: every BGA with a body ≥1 mm is in the ≥3.1 mm class (thinner BGAs in the
// <2.1 mm class), all MQFP in the ≥3.1 mm class, all TQFP and TSOP in the <2.1 mm class. A reel is rated by the
// cell-wise shortest of the classes it may be in, so a stated class that contradicts the facts, or facts that leave
// the class open, can only make the answer more restrictive, never more generous.
import { TABLE_CLASSES, type TableClass } from './table';
import type { ReelSpec } from './types';
import { frozen } from '../../../protocol/src/frozen';

export interface ClassResolution {
  /** The classes whose cells bound the reel's floor life (the shortest applies); in TABLE_CLASSES order. */
  readonly classes: readonly TableClass[];
  /** The stated class contradicts the body thickness or package type (MSD_CLASS_CONFLICT). */
  readonly conflict: boolean;
}

/** Class bounds by body thickness, mm (Table 7-1). */
export const THICK_MIN_MM = 3.1;
export const MEDIUM_MIN_MM = 2.1;
/** A BGA with a body at least this thick is rated with the ≥3.1 mm class. */
export const BGA_THICK_MIN_MM = 1.0;

const BGA_EITHER: readonly TableClass[] = ['thick', 'thin'];
const ONLY = frozen({ thick: ['thick'], medium: ['medium'], thin: ['thin'] } as const satisfies Record<TableClass, readonly TableClass[]>);

/** The one class the facts put the part in, or undefined when they do not decide it. A BGA counts only if stated. */
function factClass(body: number | undefined, pkg: ReelSpec['packageType']): TableClass | undefined {
  if (pkg === 'mqfp') return 'thick';
  if (pkg === 'tqfp' || pkg === 'tsop') return 'thin';
  if (body === undefined) return undefined;
  if (pkg === 'bga') return body >= BGA_THICK_MIN_MM ? 'thick' : 'thin';
  return body >= THICK_MIN_MM ? 'thick' : body >= MEDIUM_MIN_MM ? 'medium' : 'thin';
}

/** Every class the part may be in given the facts (an unstated package type may be a BGA or an MQFP). */
function possibleClasses(body: number | undefined, pkg: ReelSpec['packageType']): readonly TableClass[] {
  if (pkg !== undefined && pkg !== 'other') {
    const c = factClass(body, pkg);
    return c === undefined ? BGA_EITHER : ONLY[c]; // only a BGA's class depends on a body we were not told
  }
  if (body === undefined) return TABLE_CLASSES;
  if (body >= THICK_MIN_MM) return ONLY.thick;
  if (pkg === 'other') return body >= MEDIUM_MIN_MM ? ONLY.medium : ONLY.thin;
  // Unstated type: a 1-3.1 mm body may be a BGA (≥1 mm) or an MQFP, both rated with the ≥3.1 mm class.
  if (body >= MEDIUM_MIN_MM) return ['thick', 'medium'];
  if (body >= BGA_THICK_MIN_MM) return ['thick', 'thin'];
  return ONLY.thin;
}

/** a ∪ b in TABLE_CLASSES order; one of the two itself when it holds the other (no allocation on the common path). */
function union(a: readonly TableClass[], b: readonly TableClass[]): readonly TableClass[] {
  if (b.every((c) => a.includes(c))) return a;
  if (a.every((c) => b.includes(c))) return b;
  return TABLE_CLASSES.filter((c) => a.includes(c) || b.includes(c));
}

/**
 * The classes that rate this reel. With a body thickness, the stated class is joined by every class the part may be
 * in (a 1.5 mm part of unstated type may be a BGA, rated with the ≥3.1 mm class), so facts can only restrict; a
 * contradiction (the class the facts give is not the stated one) is flagged. Without a body only a package type
 * that fixes the class (MQFP, TQFP, TSOP) is a fact; otherwise the stated class is all there is. An `unknown`
 * class is every class the facts allow.
 */
export function resolveClasses(spec: ReelSpec): ClassResolution {
  const body = spec.bodyThicknessMm;
  const pkg = spec.packageType;
  if (spec.thicknessClass === 'unknown') return { classes: possibleClasses(body, pkg), conflict: false };
  const stated = spec.thicknessClass;
  const fact = factClass(body, pkg);
  const conflict = fact !== undefined && fact !== stated;
  if (body === undefined) return { classes: conflict ? union(ONLY[stated], ONLY[fact!]) : ONLY[stated], conflict };
  return { classes: union(ONLY[stated], possibleClasses(body, pkg)), conflict };
}
