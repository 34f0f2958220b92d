/**
 * Reading a card's QR code, from the camera and from a still picture (a photo, a scan or a
 * screenshot of the printed card).
 *
 * zxing's default reader looks for the three finder patterns, and on perfectly sharp synthetic
 * codes (a screenshot of the card, the PNG from `POST /api/qr`, a card held still in good light) it
 * misses about one in ten, whatever the scale: measured on 300 random card tokens, 32 misses, and
 * `TRY_HARDER` misses the same ones. So every image is tried two ways: the default reader, then
 * `PURE_BARCODE` (the image is the code on a plain ground, which reads every synthetic one), and a
 * still picture a third way, `TRY_HARDER`, since it gets no second frame. `decode-qr.test.ts` holds
 * the miss rate at zero.
 */
import { BrowserQRCodeReader, HTMLCanvasElementLuminanceSource } from '@zxing/browser';
import {
  BinaryBitmap,
  DecodeHintType,
  Exception,
  HybridBinarizer,
  NotFoundException,
  QRCodeReader,
  type LuminanceSource,
  type Result,
} from '@zxing/library';

type Hints = Map<DecodeHintType, unknown> | undefined;

const PURE: Hints = new Map([[DecodeHintType.PURE_BARCODE, true]]);
const HARDER: Hints = new Map([[DecodeHintType.TRY_HARDER, true]]);
/** Per camera frame: cheap, and the next frame is 150 ms away. */
export const FRAME_ATTEMPTS: readonly Hints[] = [undefined, PURE];
/** For a still picture: one chance, so also the slow way. */
const PICTURE_ATTEMPTS: readonly Hints[] = [undefined, PURE, HARDER];

/** The first way that reads `bitmap`; zxing's NotFoundException when none does (what its callers expect). */
export function decodeQrBitmap(bitmap: BinaryBitmap, attempts: readonly Hints[] = PICTURE_ATTEMPTS): Result {
  const reader = new QRCodeReader();
  for (const hints of attempts) {
    try {
      return reader.decode(bitmap, hints);
    } catch (error) {
      // Not found, or found but unreadable (checksum, format): try the next way. Bugs still throw.
      if (!(error instanceof Exception)) throw error;
      reader.reset();
    }
  }
  throw new NotFoundException('no QR code in this image');
}

/** The text of the QR code in `source`, or null when none of the ways finds one. */
export function decodeQrLuminance(source: LuminanceSource): string | null {
  try {
    return decodeQrBitmap(new BinaryBitmap(new HybridBinarizer(source))).getText();
  } catch (error) {
    if (error instanceof Exception) return null;
    throw error;
  }
}

/** `@zxing/browser`'s QR reader (camera, video, canvas), reading each frame the two cheap ways. */
export class CardQrReader extends BrowserQRCodeReader {
  override decodeBitmap(bitmap: BinaryBitmap): Result {
    return decodeQrBitmap(bitmap, FRAME_ATTEMPTS);
  }
}

/** Photos from phones are 12+ megapixels; a card's QR is readable far below that and decodes faster. */
const MAX_SIDE = 1600;

/** The text of the QR code in a picture the user chose, or null when it holds none we can read. */
export async function decodeQrPicture(file: Blob): Promise<string | null> {
  const bitmap = await createImageBitmap(file);
  try {
    const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) return null;
    // A white ground: transparent PNGs (screenshots of the code alone) read as black otherwise.
    context.fillStyle = '#fff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    return decodeQrLuminance(new HTMLCanvasElementLuminanceSource(canvas));
  } finally {
    bitmap.close();
  }
}
