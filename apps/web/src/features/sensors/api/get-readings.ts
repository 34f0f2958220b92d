import { readingsPageSchema, type ReadingBucketOut, type ReadingsPage, type ReadingType } from '@medichat/shared';
import { api } from '@/lib/api-client';
import { bucketFor, rangeWindow, type RangeKey } from '../lib/chart-data';

/** Every sensors query lives under this key (an import or a delete refreshes them all). */
export const sensorsQueryKey = ['sensors'] as const;

/** Pages followed at most (1,000 buckets each; the ranges here need one). */
const MAX_PAGES = 5;

/** `GET /api/sensors?type&from&to&bucket`: the server's min/mean/max per bucket, all pages. */
export async function getBuckets(
  type: ReadingType,
  range: RangeKey,
  signal?: AbortSignal,
): Promise<ReadingBucketOut[]> {
  const bucket = bucketFor(type, range);
  const { from, to } = rangeWindow(range, bucket);
  const out: ReadingBucketOut[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const res: ReadingsPage = await api.get(
      '/api/sensors',
      { signal, query: { type, from, to, bucket, ...(cursor ? { cursor } : {}) } },
      readingsPageSchema,
    );
    out.push(...(res.buckets ?? []));
    cursor = res.nextCursor;
    if (!cursor) break;
  }
  return out;
}
