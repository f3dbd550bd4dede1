// HKDF-SHA-256 in pure TypeScript matches RFC 5869's test vectors and node:crypto for any input.
import { hkdfSync } from 'node:crypto';
import fc from 'fast-check';
import { hkdfExpand, hkdfExtract, hkdfSha256 } from '../src/hkdf';
import { fromHex, toHex } from '../src/hex';

describe('HKDF-SHA-256 (RFC 5869)', () => {
  // RFC 5869 Appendix A, test cases 1–3 (the SHA-256 ones).
  it.each([
    {
      name: 'A.1 basic',
      ikm: '0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b',
      salt: '000102030405060708090a0b0c',
      info: 'f0f1f2f3f4f5f6f7f8f9',
      L: 42,
      prk: '077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5',
      okm: '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
    },
    {
      name: 'A.2 longer inputs and outputs',
      ikm: Array.from({ length: 80 }, (_, i) => i.toString(16).padStart(2, '0')).join(''),
      salt: Array.from({ length: 80 }, (_, i) => (0x60 + i).toString(16).padStart(2, '0')).join(''),
      info: Array.from({ length: 80 }, (_, i) => (0xb0 + i).toString(16).padStart(2, '0')).join(''),
      L: 82,
      prk: '06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244',
      okm: 'b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87',
    },
    {
      name: 'A.3 zero-length salt and info',
      ikm: '0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b',
      salt: '',
      info: '',
      L: 42,
      prk: '19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04',
      okm: '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8',
    },
  ])('$name', ({ ikm, salt, info, L, prk, okm }) => {
    expect(toHex(hkdfExtract(fromHex(salt)!, fromHex(ikm)!))).toBe(prk);
    expect(toHex(hkdfExpand(fromHex(prk)!, fromHex(info)!, L)!)).toBe(okm);
    expect(toHex(hkdfSha256(fromHex(ikm)!, fromHex(salt)!, fromHex(info)!, L)!)).toBe(okm);
  });

  it('property: equals node:crypto hkdfSync for any key material, salt, info and length', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.uint8Array({ maxLength: 130 }),
        fc.uint8Array({ maxLength: 300 }),
        fc.integer({ min: 1, max: 255 * 32 }),
        (ikm, salt, info, length) => {
          // node caps info at 1024 bytes; ours has no cap, so the overlap is compared.
          const ours = hkdfSha256(ikm, salt, info, length)!;
          expect(toHex(ours)).toBe(Buffer.from(hkdfSync('sha256', ikm, salt, info, length)).toString('hex'));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses lengths outside 0..8160 and a PRK shorter than a hash (undefined, never a throw)', () => {
    const prk = new Uint8Array(32);
    expect(hkdfExpand(prk, new Uint8Array(0), 255 * 32 + 1)).toBeUndefined();
    expect(hkdfExpand(prk, new Uint8Array(0), -1)).toBeUndefined();
    expect(hkdfExpand(prk, new Uint8Array(0), 1.5)).toBeUndefined();
    expect(hkdfExpand(new Uint8Array(31), new Uint8Array(0), 32)).toBeUndefined();
    expect(hkdfExpand(prk, new Uint8Array(0), 0)).toEqual(new Uint8Array(0));
  });
});
