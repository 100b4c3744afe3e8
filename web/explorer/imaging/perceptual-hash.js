// Port of Ledger.Client/Imaging/PerceptualHash.cs: the 64-bit DCT perceptual hash the ledger
// stores for images, from 8-bit luma. Same steps, same constants, same rounding, so a picture hashed
// here finds what `ledger register` stored (docs/cli.md, "Perceptual hash"):
//  1. shrink the luma plane to 32×32 by area averaging;
//  2. 2-D DCT-II of that block (no normalisation);
//  3. keep u, v = 1..8, each rounded to a multiple of 1/1024 (half to even, as Math.Round in .NET);
//  4. median = mean of the 32nd and 33rd smallest;
//  5. bit 63 − ((v−1)·8 + (u−1)) is 1 when C(u,v) > median.
// Pure: decoding is image-luma.js's business. The hash is a BigInt (unsigned 64-bit).

export const ReducedSize = 32;
export const BlockSize = 8;
/** Largest image hashed (width × height), as PerceptualHash.PixelsMax. */
export const PixelsMax = 200_000_000;
const CoefficientScale = 1024;

const Cosines = buildCosines();

/** Hash of a luma plane (Uint8Array, row-major, stride = width). */
export function perceptualHash(luma, width, height) {
  if (!(width >= 1 && height >= 1 && width * height <= PixelsMax)) {
    throw new RangeError(`image must be 1..${PixelsMax} pixels with positive sides, was ${width}×${height}`);
  }
  if (luma.length < width * height) {
    throw new RangeError(`luma has ${luma.length} bytes, a ${width}×${height} image needs ${width * height}`);
  }
  const reduced = reduce(luma, width, height);
  const block = transformLowFrequencies(reduced);
  const sorted = Float64Array.from(block).sort();
  const median = (sorted[31] + sorted[32]) / 2;
  let hash = 0n;
  for (let i = 0; i < block.length; i++) {
    if (block[i] > median) {
      hash |= 1n << BigInt(63 - i);
    }
  }
  return hash;
}

/** Bits that differ between two hashes. */
export function distance(a, b) {
  let x = BigInt.asUintN(64, a ^ b);
  let bits = 0;
  while (x > 0n) {
    bits += Number(x & 1n);
    x >>= 1n;
  }
  return bits;
}

/** ITU-R BT.601 luma of 8-bit sRGB (integer weights 77/150/29 of 256, rounded). */
export function luma(red, green, blue) {
  return ((77 * red) + (150 * green) + (29 * blue) + 128) >> 8;
}

/** The hash as the CLI prints it: 16 lower-case hex digits. */
export function toHex16(hash) {
  return BigInt.asUintN(64, hash).toString(16).padStart(16, '0');
}

function reduce(pixels, width, height) {
  const reduced = new Float64Array(ReducedSize * ReducedSize);
  for (let y = 0; y < ReducedSize; y++) {
    const row0 = Math.floor((y * height) / ReducedSize);
    const row1 = Math.max(Math.floor(((y + 1) * height) / ReducedSize), row0 + 1);
    for (let x = 0; x < ReducedSize; x++) {
      const column0 = Math.floor((x * width) / ReducedSize);
      const column1 = Math.max(Math.floor(((x + 1) * width) / ReducedSize), column0 + 1);
      let sum = 0;
      for (let row = row0; row < row1; row++) {
        const line = row * width;
        for (let column = column0; column < column1; column++) {
          sum += pixels[line + column];
        }
      }
      reduced[(y * ReducedSize) + x] = sum / ((row1 - row0) * (column1 - column0));
    }
  }
  return reduced;
}

/** C(u,v) for u, v = 1..8 into block[(v−1)·8 + (u−1)], separably (rows, then columns), in the C# order of additions. */
function transformLowFrequencies(pixels) {
  const rows = new Float64Array(ReducedSize * BlockSize);
  for (let y = 0; y < ReducedSize; y++) {
    for (let u = 1; u <= BlockSize; u++) {
      let sum = 0;
      for (let x = 0; x < ReducedSize; x++) {
        sum += pixels[(y * ReducedSize) + x] * Cosines[u][x];
      }
      rows[(y * BlockSize) + (u - 1)] = sum;
    }
  }
  const block = new Float64Array(BlockSize * BlockSize);
  for (let v = 1; v <= BlockSize; v++) {
    for (let u = 1; u <= BlockSize; u++) {
      let sum = 0;
      for (let y = 0; y < ReducedSize; y++) {
        sum += rows[(y * BlockSize) + (u - 1)] * Cosines[v][y];
      }
      block[((v - 1) * BlockSize) + (u - 1)] = roundHalfToEven(sum * CoefficientScale) / CoefficientScale;
    }
  }
  return block;
}

/** Math.Round(x, MidpointRounding.ToEven). */
function roundHalfToEven(x) {
  const floor = Math.floor(x);
  const fraction = x - floor;
  if (fraction > 0.5) {
    return floor + 1;
  }
  if (fraction < 0.5) {
    return floor;
  }
  return floor % 2 === 0 ? floor : floor + 1;
}

function buildCosines() {
  const table = [];
  for (let frequency = 0; frequency <= BlockSize; frequency++) {
    const row = new Float64Array(ReducedSize);
    for (let position = 0; position < ReducedSize; position++) {
      row[position] = Math.cos(((2 * position) + 1) * frequency * Math.PI / (2 * ReducedSize));
    }
    table.push(row);
  }
  return table;
}
