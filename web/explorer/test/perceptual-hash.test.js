// The browser's perceptual hash gives the hashes Ledger.Client/Imaging/PerceptualHash.cs gives
// (tests/Ledger.Client.Tests/Imaging/PerceptualHashTests.cs: same pictures, same pinned values).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { perceptualHash, distance, toHex16, luma } from '#explorer/imaging/perceptual-hash.js';
import { lumaOfRgba } from '#explorer/imaging/image-luma.js';

const Side = 256;

/** PerceptualHashTests.Landscape: a horizon, bright sky gradient, dark ground, a sun disc on the left. */
function landscape(width, height) {
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let value = y < height * 0.6 ? 200 - (80.0 * y / height) : 60 + (30.0 * x / width);
      const dx = x - (width * 0.3);
      const dy = y - (height * 0.3);
      if ((dx * dx) + (dy * dy) < width * width * 0.01) {
        value = 250;
      }
      pixels[(y * width) + x] = Math.trunc(value);
    }
  }
  return pixels;
}

/** PerceptualHashTests.Portrait: a dark background with a bright diagonal band and a square on the right. */
function portrait(width, height) {
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let value = Math.abs(x - y) < Math.trunc(width / 8) ? 220 : 40;
      if (x > width * 0.65 && y > height * 0.1 && y < height * 0.4) {
        value = 180;
      }
      pixels[(y * width) + x] = value;
    }
  }
  return pixels;
}

test('perceptualHash_KnownPicture_GivesTheHashPinnedInCSharp', () => {
  assert.equal(toHex16(perceptualHash(landscape(Side, Side), Side, Side)), '8f707070878f8f8e');
});

test('perceptualHash_UniformGrey_IsZero', () => {
  assert.equal(perceptualHash(new Uint8Array(64 * 48).fill(128), 64, 48), 0n);
});

test('perceptualHash_NonSquareSmallerThanTheBlock_StillHashes', () => {
  // Fewer than 32 columns: every output pixel still averages at least one source pixel.
  const hash = perceptualHash(landscape(20, 50), 20, 50);
  assert.equal(typeof hash, 'bigint');
});

test('distance_DifferentPicture_IsFarAway', () => {
  const a = perceptualHash(landscape(Side, Side), Side, Side);
  const b = perceptualHash(portrait(Side, Side), Side, Side);
  assert.ok(distance(a, b) >= 20, `distance ${distance(a, b)}`);
});

test('perceptualHash_WrongBufferSize_Throws', () => {
  assert.throws(() => perceptualHash(new Uint8Array(10), 4, 4), RangeError);
});

test('luma_Bt601Weights_MatchTheCSharpFormula', () => {
  assert.equal(luma(255, 255, 255), 255);
  assert.equal(luma(0, 0, 0), 0);
  assert.equal(luma(255, 0, 0), (77 * 255 + 128) >> 8);
});

test('lumaOfRgba_TransparentPixel_IsWhite', () => {
  assert.deepEqual([...lumaOfRgba(Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 255]), 2)], [255, 0]);
});
