// RandomBytes on a Moddable ESP32: XS's Math.random draws from c_rand(), which the ESP32 host defines as
// esp_random(), the hardware RNG (xs/sources/xsMath.c fx_Math_random; xs/platforms/esp/xsHost.h). 24 bits are
// taken from each draw. (esp_random is cryptographically strong while the radio runs; the station uses it for
// session nonces, which need uniqueness, and the host link's keys come from the provisioned secret.)
import type { RandomBytes } from '../hal';

export function randomFromMath(random: () => number = Math.random): RandomBytes {
  return (dst) => {
    for (let i = 0; i < dst.length; i += 3) {
      const v = Math.floor(random() * 0x1000000);
      dst[i] = v & 0xff;
      if (i + 1 < dst.length) dst[i + 1] = (v >>> 8) & 0xff;
      if (i + 2 < dst.length) dst[i + 2] = (v >>> 16) & 0xff;
    }
  };
}
