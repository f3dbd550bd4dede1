// The station's MSL environment as shipped: default configuration, the thick-class table, the bake table.
import { BAKE_TABLE } from './tables/bake';
import { THICK_TABLE } from './tables/thick';
import { DEFAULT_CONFIG, type MslConfig, type MslEnv } from './types';
import type { TableSet } from './table';
import { frozen } from '../../../protocol/src/frozen';

export const SHIPPED_TABLES: TableSet = { thick: THICK_TABLE };

/** What a station has out of the box. */
export const DEFAULT_ENV: MslEnv = frozen({ config: DEFAULT_CONFIG, tables: SHIPPED_TABLES, bake: BAKE_TABLE });

export function defaultEnv(config: Partial<MslConfig> = {}, tables: TableSet = SHIPPED_TABLES): MslEnv {
  return { config: { ...DEFAULT_CONFIG, ...config }, tables, bake: BAKE_TABLE };
}
