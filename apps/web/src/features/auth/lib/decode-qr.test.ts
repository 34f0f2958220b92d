/**
 * Reading a card's QR: every one of 300 card QRs, drawn exactly as the API draws them (`qrcode`,
 * level M, quiet zone 4, 12 px a module), is read back from a still picture, and from a camera-like
 * frame (the code smaller, on a white 640×480 ground) with the two per-frame ways; zxing's default
 * reader alone misses some of these, which is why both paths try more than one way.
 * Run: node --conditions=development --import tsx --test apps/web/src/features/auth/lib/decode-qr.test.ts
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BinaryBitmap, HybridBinarizer, QRCodeReader, RGBLuminanceSource } from '@zxing/library';
import QRCode from 'qrcode';
import { FRAME_ATTEMPTS, decodeQrBitmap, decodeQrLuminance } from './decode-qr';

/** A seeded generator, so the 300 codes are the same on every run (xorshift32). */
function seededBytes(seed: number): (n: number) => Buffer {
  let x = seed >>> 0 || 1;
  return (n) => {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      out[i] = x & 0xff;
    }
    return out;
  };
}

/**
 * Greyscale pixels of `text` as a QR code, module by module like `QRCode.toBuffer(…, {scale, margin})`,
 * in the middle of a white `frame` (default: just the code).
 */
function render(text: string, scale = 12, margin = 4, frame?: { width: number; height: number }): RGBLuminanceSource {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const side = (modules.size + 2 * margin) * scale;
  const width = frame?.width ?? side;
  const height = frame?.height ?? side;
  const left = Math.floor((width - side) / 2) + margin * scale;
  const top = Math.floor((height - side) / 2) + margin * scale;
  const pixels = new Uint8ClampedArray(width * height).fill(255);
  for (let row = 0; row < modules.size; row++) {
    for (let col = 0; col < modules.size; col++) {
      if (!modules.get(row, col)) continue;
      for (let dy = 0; dy < scale; dy++) {
        const start = (top + row * scale + dy) * width + left + col * scale;
        pixels.fill(0, start, start + scale);
      }
    }
  }
  return new RGBLuminanceSource(pixels, width, height);
}

function cardUrl(bytes: (n: number) => Buffer, version: number): string {
  return `https://medichat.example/emergency/mc1.${bytes(16).toString('base64url')}.${version}.${bytes(32).toString('base64url')}`;
}

function defaultReaderOnly(source: RGBLuminanceSource): string | null {
  try {
    return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(source))).getText();
  } catch {
    return null;
  }
}

test('every card QR drawn like the API draws it is read from a still picture', () => {
  const bytes = seededBytes(20261124);
  let defaultMisses = 0;
  const misses: string[] = [];
  for (let i = 0; i < 300; i++) {
    const text = cardUrl(bytes, 1 + (i % 9));
    const source = render(text);
    if (defaultReaderOnly(source) !== text) defaultMisses++;
    if (decodeQrLuminance(source) !== text) misses.push(text);
  }
  assert.deepEqual(misses, [], 'codes the picture reader could not read');
  // Why the fallbacks exist: the default reader alone misses some perfectly sharp codes.
  assert.ok(defaultMisses > 0, 'the default reader read all 300: the fallbacks may no longer be needed');
});

test('every card QR in a camera-like frame is read by the per-frame ways', () => {
  const bytes = seededBytes(112);
  let defaultMisses = 0;
  const misses: string[] = [];
  for (let i = 0; i < 300; i++) {
    const text = cardUrl(bytes, 1 + (i % 9));
    // 6 to 8 px a module: a card 20–30 cm from a 640×480 webcam.
    const source = render(text, 6 + (i % 3), 4, { width: 640, height: 480 });
    if (defaultReaderOnly(source) !== text) defaultMisses++;
    let read: string | null = null;
    try {
      read = decodeQrBitmap(new BinaryBitmap(new HybridBinarizer(source)), FRAME_ATTEMPTS).getText();
    } catch {
      read = null;
    }
    if (read !== text) misses.push(text);
  }
  assert.deepEqual(misses, [], 'codes a still camera frame could not read');
  assert.ok(defaultMisses > 0, 'the default reader read all 300 frames: the second way may no longer be needed');
});

test('a picture with no code gives null, not an exception', () => {
  const side = 200;
  const noise = seededBytes(7)(side * side);
  assert.equal(
    decodeQrLuminance(new RGBLuminanceSource(new Uint8ClampedArray(side * side).fill(255), side, side)),
    null,
  );
  assert.equal(decodeQrLuminance(new RGBLuminanceSource(new Uint8ClampedArray(noise), side, side)), null);
});
