/**
 * Profile pictures. An upload is accepted only if its first bytes say PNG, JPEG or WebP (the
 * declared type is ignored), then it is decoded and re-encoded by sharp to WebP of at most
 * 512 × 512 px: EXIF (GPS, camera), ICC and XMP metadata do not survive, and neither does anything
 * hidden after the image data. Decompression bombs are refused before decoding (pixel limit), and
 * truncated or corrupt files fail the decode (`failOn: 'warning'`).
 *
 * Each upload gets a new random key; the picture is served at `/api/users/<id>/avatar/<key>`, a
 * URL that is unguessable and immutable (cacheable for a year), and the previous one stops working.
 */
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { ProblemType } from '@medichat/shared';
import type { BlobStore } from '../../engines/blob/port.js';
import { AppError, conflict } from '../../lib/errors.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { ClientInfo } from '../../lib/principal.js';
import type { UserRepository } from './user.repository.js';

export const AVATAR_SIZE = 512;
/** Largest input in pixels (about 50 MP, a large phone photo); beyond it decoding is refused. */
export const AVATAR_MAX_INPUT_PIXELS = 50_000_000;
export const AVATAR_KEY = /^[a-f0-9]{32}$/;

export type ImageKind = 'png' | 'jpeg' | 'webp';

/** The image type from magic bytes, or null. */
export function sniffImage(data: Buffer): ImageKind | null {
  if (data.length >= 8 && data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'png';
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'jpeg';
  if (data.length >= 12 && data.toString('latin1', 0, 4) === 'RIFF' && data.toString('latin1', 8, 12) === 'WEBP')
    return 'webp';
  return null;
}

const unsupported = () => new AppError(ProblemType.unsupportedMediaType, 415, 'Upload a PNG, JPEG or WebP image.');
const undecodable = (message: string, cause?: unknown) =>
  new AppError(ProblemType.unprocessable, 422, message, { cause });

export class AvatarService {
  constructor(
    private readonly deps: {
      users: Pick<UserRepository, 'get' | 'swapAvatarKey'>;
      blobs: BlobStore;
      audit: Pick<AuditRepository, 'record'>;
      now: () => Date;
    },
  ) {}

  static blobKey(userId: string, avatarKey: string): string {
    return `avatars/${userId.toLowerCase()}/${avatarKey}.webp`;
  }

  /** Re-encodes an upload; throws 415 (not an image we take) or 422 (too large in pixels, corrupt). */
  static async reencode(input: Buffer): Promise<Buffer> {
    if (!sniffImage(input)) throw unsupported();
    try {
      return await sharp(input, { limitInputPixels: AVATAR_MAX_INPUT_PIXELS, failOn: 'warning', animated: false })
        .rotate() // apply the EXIF orientation before the EXIF is dropped
        .resize({ width: AVATAR_SIZE, height: AVATAR_SIZE, fit: 'inside', withoutEnlargement: true })
        .webp({ quality: 82 })
        .toBuffer();
    } catch (err) {
      const message = err instanceof Error ? err.message : '';
      if (/pixel limit/i.test(message)) {
        throw undecodable(
          `The image is too large in pixels; at most ${AVATAR_MAX_INPUT_PIXELS / 1_000_000} megapixels.`,
          err,
        );
      }
      throw undecodable('The image could not be decoded (truncated or corrupt).', err);
    }
  }

  async upload(userId: string, data: Buffer, context: ClientInfo): Promise<string> {
    const image = await AvatarService.reencode(data);
    const user = await this.deps.users.get(userId);
    if (!user) throw conflict('The account no longer exists.');
    const key = randomBytes(16).toString('hex');
    await this.deps.blobs.put(AvatarService.blobKey(userId, key), image, { contentType: 'image/webp' });
    const previous = user.avatarKey ?? null;
    const swapped = await this.deps.users.swapAvatarKey(user, key, this.deps.now());
    if (!swapped) {
      await this.deps.blobs.delete(AvatarService.blobKey(userId, key));
      throw conflict('The picture was changed by another request at the same time; try again.');
    }
    if (previous) await this.deps.blobs.delete(AvatarService.blobKey(userId, previous)).catch(() => false);
    await this.deps.audit.record({
      actorId: userId,
      subjectId: userId,
      action: 'avatar.updated',
      ip: context.ip,
      userAgent: context.userAgent,
      detail: { bytes: image.length },
    });
    return key;
  }

  async remove(userId: string, context: ClientInfo): Promise<void> {
    const user = await this.deps.users.get(userId);
    if (!user?.avatarKey) return;
    if (await this.deps.users.swapAvatarKey(user, null, this.deps.now())) {
      await this.deps.blobs.delete(AvatarService.blobKey(userId, user.avatarKey)).catch(() => false);
      await this.deps.audit.record({
        actorId: userId,
        subjectId: userId,
        action: 'avatar.deleted',
        ip: context.ip,
        userAgent: context.userAgent,
      });
    }
  }

  /**
   * A presigned GET URL of the current picture when the blob engine makes them (S3), so the bytes
   * come straight from the store; null when `avatarKey` is not the current key; undefined when the
   * engine cannot presign (local disk: serve `read` instead).
   */
  async presignedUrl(userId: string, avatarKey: string, ttlSeconds: number): Promise<string | null | undefined> {
    if (!this.deps.blobs.presignGet) return undefined;
    if (!AVATAR_KEY.test(avatarKey)) return null;
    const user = await this.deps.users.get(userId);
    if (!user?.avatarKey || user.avatarKey !== avatarKey) return null;
    return this.deps.blobs.presignGet(AvatarService.blobKey(userId, avatarKey), ttlSeconds);
  }

  /** The current picture of `userId` if `avatarKey` is its current key; null otherwise. */
  async read(userId: string, avatarKey: string): Promise<Buffer | null> {
    if (!AVATAR_KEY.test(avatarKey)) return null;
    const user = await this.deps.users.get(userId);
    if (!user?.avatarKey || user.avatarKey !== avatarKey) return null;
    return (await this.deps.blobs.get(AvatarService.blobKey(userId, avatarKey)))?.data ?? null;
  }
}
