// Read Device Identification (FC 43, MEI 14): which objects the station answers with, from its DeviceIdentity.
import type { DeviceIdentity } from '../station-view';
import { frozen } from '../frozen';

export type DeviceIdCategory = 'basic' | 'regular';

export interface DeviceIdObject {
  readonly id: number;
  readonly name: string;
  readonly category: DeviceIdCategory;
  readonly meaning: string;
  readonly get: (d: DeviceIdentity) => string;
}

/** Objects 0x00–0x06, in id order (stream access walks them in this order). */
export const DEVICE_ID_OBJECTS: readonly DeviceIdObject[] = [
  { id: 0x00, name: 'VendorName', category: 'basic', meaning: 'Vendor name.', get: (d) => d.vendorName },
  { id: 0x01, name: 'ProductCode', category: 'basic', meaning: 'Product code.', get: (d) => d.productCode },
  { id: 0x02, name: 'MajorMinorRevision', category: 'basic', meaning: 'Firmware version, `major.minor[.patch]`.', get: (d) => d.majorMinorRevision },
  { id: 0x03, name: 'VendorUrl', category: 'regular', meaning: 'Vendor URL.', get: (d) => d.vendorUrl },
  { id: 0x04, name: 'ProductName', category: 'regular', meaning: 'Product name.', get: (d) => d.productName },
  { id: 0x05, name: 'ModelName', category: 'regular', meaning: 'Model name.', get: (d) => d.modelName },
  { id: 0x06, name: 'UserApplicationName', category: 'regular', meaning: 'The station id, e.g. `station 7 (placement)`.', get: (d) => d.userApplicationName },
];

/** ReadDevId codes of the request. */
frozen(DEVICE_ID_OBJECTS);

export const READ_DEV_ID = { basic: 0x01, regular: 0x02, extended: 0x03, individual: 0x04 } as const;

/** Conformity level 0x82: regular identification, stream and individual access. */
export const CONFORMITY_LEVEL = 0x82;

/** Last object id of each stream category this station serves (extended has no objects of its own here). */
export const LAST_OBJECT: Readonly<Record<'basic' | 'regular' | 'extended', number>> = { basic: 0x02, regular: 0x06, extended: 0x06 };
