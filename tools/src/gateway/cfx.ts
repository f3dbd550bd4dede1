// The gateway's CFX mapping is the trace tools' (tools/src/cfx/): one CfxStream per station, so a published message
// and the same record in `warden trace export --format cfx` are the same message under the same UniqueID.
import { CfxStream } from '../cfx/map';
import type { MapperFactory } from './gateway';

export const cfxMapper: MapperFactory = (ctx) => new CfxStream(ctx);
