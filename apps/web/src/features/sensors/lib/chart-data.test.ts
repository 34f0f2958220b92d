/**
 * From server buckets to chart series and table rows: units shown (sleep in hours), the extreme
 * value of an out-of-range bucket marked, totals (steps, sleep) as mean × count with a short night
 * marked only on day buckets, blood pressure's diastolic carried, bucket sizes per range, the
 * window aligned to the bucket, and the safe range's text naming the shared table's source.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { READING_BUCKETS, READING_TYPE_INFO, type ReadingBucketOut } from '@medichat/shared';
import { bucketFor, describeSeries, rangeWindow, safeRangeOf, toSeries } from './chart-data';

const at = (h: number) => new Date(Date.UTC(2026, 10, 1, h)).toISOString();

test('point readings: mean line, min–max band, and the extreme of a flagged bucket as its marker', () => {
  const buckets: ReadingBucketOut[] = [
    { start: at(0), count: 60, min: 55, mean: 62.4, max: 71 },
    { start: at(1), count: 60, min: 58, mean: 88.2, max: 131, flag: 'high' },
    { start: at(2), count: 60, min: 44, mean: 57.6, max: 66, flag: 'low' },
  ];
  const s = toSeries('heart_rate', buckets, '1h');
  assert.deepEqual(
    s.x,
    [0, 1, 2].map((h) => Date.UTC(2026, 10, 1, h) / 1000),
  );
  assert.deepEqual(s.mean, [62, 88, 58]);
  assert.deepEqual(
    [s.min, s.max],
    [
      [55, 58, 44],
      [71, 131, 66],
    ],
  );
  assert.deepEqual(s.out, [null, 131, 44]);
  assert.equal(s.total, undefined);
  assert.match(
    describeSeries('heart_rate', '24h', s),
    /3 periods, from 44 to 131 bpm, latest average 58 bpm, 2 outside/,
  );
});

test('blood pressure carries the diastolic; weight keeps a decimal', () => {
  const bp = toSeries(
    'blood_pressure',
    [
      {
        start: at(7),
        count: 1,
        min: 150,
        mean: 150,
        max: 150,
        diastolic: { min: 96, mean: 96, max: 96 },
        flag: 'high',
      },
    ],
    '6h',
  );
  assert.deepEqual([bp.mean, bp.mean2, bp.out], [[150], [96], [150]]);
  const w = toSeries('body_weight', [{ start: at(7), count: 1, min: 65.04, mean: 65.04, max: 65.04 }], '6h');
  assert.deepEqual(w.mean, [65]);
  assert.deepEqual(
    toSeries('body_weight', [{ start: at(7), count: 1, min: 65.26, mean: 65.26, max: 65.26 }], '6h').mean,
    [65.3],
  );
});

test('totals: steps are mean × count; sleep in hours, a short night marked on day buckets only', () => {
  const steps = toSeries('steps', [{ start: at(0), count: 12, min: 460, mean: 570, max: 680 }], '1d');
  assert.deepEqual([steps.total, steps.out], [[6840], [null]]);
  const nights: ReadingBucketOut[] = [
    { start: at(0), count: 1, min: 360, mean: 360, max: 360, flag: 'low' },
    { start: at(24), count: 2, min: 200, mean: 240, max: 280 },
  ];
  const byDay = toSeries('sleep', nights, '1d');
  assert.deepEqual(byDay.total, [6, 8]);
  assert.deepEqual(byDay.out, [6, null], 'judged on the day total (8 h is fine), not on single records');
  assert.deepEqual(toSeries('sleep', nights, '1h').out, [null, null], 'an hour of sleep is no night');
});

test('bucket sizes keep every range to a few hundred points; the window ends on a bucket edge', () => {
  for (const type of ['heart_rate', 'steps'] as const)
    for (const range of ['24h', '7d', '30d'] as const) {
      const span = { '24h': 1, '7d': 7, '30d': 30 }[range] * 86_400_000;
      const points = span / READING_BUCKETS[bucketFor(type, range)];
      assert.ok(points >= 7 && points <= 300, `${type} ${range}: ${points} points`);
    }
  const now = Date.UTC(2026, 10, 1, 10, 17, 3);
  const w = rangeWindow('7d', '1h', now);
  assert.equal(w.to, new Date(Date.UTC(2026, 10, 1, 11)).toISOString());
  assert.equal(Date.parse(w.to) - Date.parse(w.from), 7 * 86_400_000);
});

test('the safe range reads from the shared table, in display units, naming its source', () => {
  assert.deepEqual(
    [safeRangeOf('heart_rate')?.text, safeRangeOf('heart_rate')?.source],
    ['51–90 bpm', READING_TYPE_INFO.heart_rate.safe!.source],
  );
  assert.equal(safeRangeOf('sleep')?.text, '7 or more h a night');
  assert.equal(safeRangeOf('blood_pressure')?.text, 'systolic 91–139, diastolic 40–89 mmHg');
  assert.equal(safeRangeOf('spo2')?.text, '96 or more %');
  assert.equal(safeRangeOf('steps'), null);
});
