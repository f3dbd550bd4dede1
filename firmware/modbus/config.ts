// Checked settings: a server is started only with settings in range, and a bad one is a typed result naming the
// setting, never a throw.

export type Started<T> = { readonly ok: true; readonly server: T } | { readonly ok: false; readonly reason: 'MODBUS_CONFIG_INVALID'; readonly detail: string };

export function invalid(detail: string): { readonly ok: false; readonly reason: 'MODBUS_CONFIG_INVALID'; readonly detail: string } {
  return { ok: false, reason: 'MODBUS_CONFIG_INVALID', detail };
}

/** An integer in [min, max]. */
export function inRange(v: number, min: number, max: number): boolean {
  return Number.isInteger(v) && v >= min && v <= max;
}
