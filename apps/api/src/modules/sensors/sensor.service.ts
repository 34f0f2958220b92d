/**
 * Readings from wearables and devices: validation against the shared reading-type table (unit known
 * for the type, converted to the canonical unit, plausible, time after 1900 and not in the future,
 * intervals where the type needs one), idempotent batch ingest, range queries raw (keyset pages) or
 * downsampled server-side (min/mean/max per bucket), deleting a source, and the compact recent
 * summary the assistant sees (with the owner's consent).
 *
 * A batch is checked whole before anything is written: one bad reading is a 422 naming its index
 * (`readings.<i>.<field>`) and nothing of the batch is stored. A reading that repeats a stored one
 * (same type, source and time) is skipped and counted: re-sending a batch is safe.
 */
import {
  READING_BUCKETS,
  READING_EARLIEST,
  READING_FUTURE_SKEW_MS,
  READING_TYPE_INFO,
  type FieldIssue,
  type Reading,
  type ReadingBucket,
  type ReadingBucketOut,
  type ReadingFlag,
  type ReadingInput,
  type ReadingSources,
  type ReadingsPage,
  type ReadingsQuery,
  type ReadingType,
} from '@medichat/shared';
import type { Bucket, ReadingCursor, ReadingRow, ReadingStore } from '../../engines/storage/index.js';
import { randomUUID } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { AppError, badRequest, unprocessable } from '../../lib/errors.js';
import {
  ImportError,
  parseHealthJson,
  streamAppleHealth,
  type ImportFormat,
  type ImportResult,
} from './health-import.js';

const EARLIEST = Date.parse(READING_EARLIEST);
const DAY = 86_400_000;
const DEFAULT_RANGE_MS = 7 * DAY;
const DEFAULT_LIMIT = { raw: 500, buckets: 1000 } as const;
/** The longest interval reading (steps, sleep) one record may cover. */
const MAX_INTERVAL_MS = DAY;

const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;

/** Whether a value (and diastolic) falls outside the type's safe range. */
export function flagOf(type: ReadingType, value: number, value2?: number | null): ReadingFlag | undefined {
  const safe = READING_TYPE_INFO[type].safe;
  if (!safe) return undefined;
  if (
    (safe.high !== undefined && value > safe.high) ||
    (safe.high2 !== undefined && value2 != null && value2 > safe.high2)
  )
    return 'high';
  if ((safe.low !== undefined && value < safe.low) || (safe.low2 !== undefined && value2 != null && value2 < safe.low2))
    return 'low';
  return undefined;
}

/** A value in the given unit as the type's canonical unit, or null when the unit is not one of the type's. */
export function toCanonical(type: ReadingType, value: number, unit: string): number | null {
  const conv = READING_TYPE_INFO[type].units[unit];
  if (!conv) return null;
  return value * conv.factor + (conv.offset ?? 0);
}

function encodeCursor(c: object): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor<T>(cursor: string, check: (v: Record<string, unknown>) => boolean): T {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (v && typeof v === 'object' && check(v)) return v as T;
  } catch {
    // falls through
  }
  throw badRequest('The cursor is not one this server made.', [
    { path: 'cursor', message: 'must be a cursor from a previous page' },
  ]);
}

export interface RecentSummary {
  type: ReadingType;
  label: string;
  unit: string;
  count: number;
  latest: { value: number; diastolic?: number; time: string; flag?: ReadingFlag };
  min: number;
  mean: number;
  max: number;
  /** Mean of the last day minus mean of the days before it (null with too little data). */
  trend: number | null;
  outOfRange: number;
}

export class SensorService {
  private readonly readings: ReadingStore;
  private readonly now: () => Date;

  constructor(deps: { readings: ReadingStore; now?: () => Date }) {
    this.readings = deps.readings;
    this.now = deps.now ?? (() => new Date());
  }

  /** Checks and converts a batch; throws a 422 naming every bad reading by index. */
  normalize(owner: string, inputs: readonly ReadingInput[]): ReadingRow[] {
    const issues: FieldIssue[] = [];
    const rows: ReadingRow[] = [];
    const latest = this.now().getTime() + READING_FUTURE_SKEW_MS;
    // Duplicates within the batch, by (type, source) then start: a numeric key per reading, and the
    // inner map of the previous reading reused (a batch is mostly one type from one source). A
    // string key per reading cost more than the rest of the checks together (bench/sensors.bench.ts).
    const seen = new Map<string, Map<number, number>>();
    let lastGroup = '';
    let lastSeen: Map<number, number> | undefined;
    inputs.forEach((r, i) => {
      const at = (field: string, message: string) => issues.push({ path: `readings.${i}.${field}`, message });
      const info = READING_TYPE_INFO[r.type];
      const before = issues.length;
      const value = toCanonical(r.type, r.value, r.unit);
      if (value === null) {
        at(
          'unit',
          `reading ${i}: ${r.unit} is not a unit of ${info.label.toLowerCase()} (use ${Object.keys(info.units).join(', ')})`,
        );
      } else if (value < info.plausible.min || value > info.plausible.max) {
        at(
          'value',
          `reading ${i}: ${info.label.toLowerCase()} ${r.value} ${r.unit} is outside the plausible range ${info.plausible.min}–${info.plausible.max} ${info.unit}`,
        );
      }
      let value2: number | null = null;
      if (r.type === 'blood_pressure') {
        if (r.diastolic === undefined) at('diastolic', `reading ${i}: a blood pressure needs its diastolic value`);
        else {
          value2 = toCanonical(r.type, r.diastolic, r.unit);
          const p = info.plausible;
          if (value2 !== null && (value2 < p.min2! || value2 > p.max2!))
            at(
              'diastolic',
              `reading ${i}: diastolic ${r.diastolic} ${r.unit} is outside the plausible range ${p.min2}–${p.max2} ${info.unit}`,
            );
          else if (value2 !== null && value !== null && value2 >= value)
            at('diastolic', `reading ${i}: the diastolic value must be below the systolic`);
        }
      } else if (r.diastolic !== undefined)
        at('diastolic', `reading ${i}: only a blood pressure has a diastolic value`);
      const start = Date.parse(r.time);
      if (start < EARLIEST) at('time', `reading ${i}: the time is before 1900`);
      else if (start > latest) at('time', `reading ${i}: the time is in the future`);
      let end: number | null = null;
      if (r.end !== undefined) {
        end = Date.parse(r.end);
        if (!info.interval) at('end', `reading ${i}: ${info.label.toLowerCase()} is a point reading and takes no end`);
        else if (end <= start) at('end', `reading ${i}: the end must be after the time`);
        else if (end - start > MAX_INTERVAL_MS) at('end', `reading ${i}: one reading covers at most 24 hours`);
        else if (end > latest) at('end', `reading ${i}: the end is in the future`);
      } else if (info.interval) at('end', `reading ${i}: ${info.label.toLowerCase()} needs the end of its interval`);
      const group = r.type + '\u001f' + r.source;
      if (group !== lastGroup || !lastSeen) {
        lastGroup = group;
        lastSeen = seen.get(group);
        if (!lastSeen) seen.set(group, (lastSeen = new Map()));
      }
      const twin = lastSeen.get(start);
      if (twin !== undefined) at('time', `reading ${i} repeats reading ${twin} (same type, source and time)`);
      else lastSeen.set(start, i);
      if (issues.length === before && value !== null) {
        rows.push({ owner, type: r.type, source: r.source, start, end, value, value2, device: r.device || null });
      }
    });
    if (issues.length) {
      const n = new Set(issues.map((x) => x.path.split('.')[1])).size;
      throw unprocessable(
        `${n} of ${inputs.length} readings ${n === 1 ? 'is' : 'are'} not valid (first: ${issues[0]!.message}); nothing was stored.`,
        issues.slice(0, 100),
      );
    }
    return rows;
  }

  async ingest(owner: string, inputs: readonly ReadingInput[]): Promise<{ inserted: number; duplicates: number }> {
    return this.readings.insertBatch(this.normalize(owner, inputs));
  }

  /** Rows already checked (imports build them through `normalize`). */
  async ingestRows(rows: readonly ReadingRow[]): Promise<{ inserted: number; duplicates: number }> {
    return this.readings.insertBatch(rows);
  }

  async query(owner: string, q: ReadingsQuery): Promise<ReadingsPage> {
    const to = q.to ? Date.parse(q.to) : this.now().getTime() + READING_FUTURE_SKEW_MS;
    const from = q.from ? Date.parse(q.from) : to - DEFAULT_RANGE_MS;
    if (from >= to) throw badRequest('`from` must be before `to`.', [{ path: 'from', message: 'must be before to' }]);
    if (q.bucket) return this.bucketed(owner, q, q.bucket, from, to);
    const limit = q.limit ?? DEFAULT_LIMIT.raw;
    const after = q.cursor
      ? decodeCursor<ReadingCursor>(
          q.cursor,
          (v) => typeof v.start === 'number' && typeof v.type === 'string' && typeof v.source === 'string',
        )
      : undefined;
    const rows = await this.readings.list({ owner, type: q.type, from, to, after, limit: limit + 1 });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      readings: page.map(present),
      nextCursor:
        rows.length > limit && last ? encodeCursor({ start: last.start, type: last.type, source: last.source }) : null,
    };
  }

  private async bucketed(owner: string, q: ReadingsQuery, bucket: ReadingBucket, from: number, to: number) {
    if (!q.type)
      throw badRequest('Downsampling needs a `type`.', [{ path: 'type', message: 'is required with bucket' }]);
    const type = q.type;
    const bucketMs = READING_BUCKETS[bucket];
    const limit = q.limit ?? DEFAULT_LIMIT.buckets;
    const afterBucket = q.cursor ? decodeCursor<{ b: number }>(q.cursor, (v) => typeof v.b === 'number').b : undefined;
    const rows = await this.readings.buckets({ owner, type, from, to, bucketMs, afterBucket, limit: limit + 1 });
    const page = rows.slice(0, limit);
    return {
      type,
      unit: READING_TYPE_INFO[type].unit,
      bucket,
      buckets: page.map((b) => presentBucket(type, b)),
      nextCursor: rows.length > limit && page.length ? encodeCursor({ b: page.at(-1)!.start }) : null,
    };
  }

  async deleteSource(owner: string, source: string): Promise<number> {
    return this.readings.deleteSource(owner, source);
  }

  /** The owner's sources with counts and time spans (what `deleteSource` takes). */
  async sources(owner: string): Promise<ReadingSources> {
    return {
      sources: (await this.readings.sources(owner)).map((x) => ({
        source: x.source,
        count: x.count,
        first: new Date(x.first).toISOString(),
        last: new Date(x.last).toISOString(),
      })),
    };
  }

  /**
   * Import an uploaded export (see health-import.ts): readings in batches of 500, invalid records
   * skipped and counted. `progress` gets bytes read (Apple Health) and counts so far.
   */
  async importFile(
    owner: string,
    file: string,
    format: ImportFormat,
    progress: (p: { bytes: number; total: number; inserted: number; skipped: number }) => Promise<void>,
    signal?: AbortSignal,
  ): Promise<ImportResult> {
    const result: ImportResult = { records: 0, inserted: 0, duplicates: 0, skipped: 0, problems: [] };
    let pending: ReadingRow[] = [];
    const take = (r: ReadingInput) => {
      try {
        pending.push(...this.normalize(owner, [r]));
      } catch (err) {
        result.skipped++;
        if (result.problems.length < 10 && err instanceof AppError)
          result.problems.push(err.errors?.[0]?.message.replace(/^reading 0: /, '') ?? err.message);
      }
    };
    const flush = async () => {
      if (!pending.length) return;
      const batch = pending;
      pending = [];
      const r = await this.readings.insertBatch(batch);
      result.inserted += r.inserted;
      result.duplicates += r.duplicates;
    };
    {
      if (format === 'apple-health') {
        let lastReport = 0;
        const out = await streamAppleHealth(
          file,
          take,
          async (bytes, total) => {
            if (pending.length >= 500) await flush();
            if (bytes - lastReport >= total / 100 || bytes === total) {
              lastReport = bytes;
              await progress({ bytes, total, inserted: result.inserted, skipped: result.skipped });
            }
          },
          signal,
        );
        result.records = out.records;
        result.skipped += out.unknown;
      } else {
        const total = (await stat(file)).size;
        let json: unknown;
        try {
          json = JSON.parse(await readFile(file, 'utf8'));
        } catch {
          throw new ImportError('not valid JSON');
        }
        const out = parseHealthJson(format, json);
        result.records = out.records;
        result.skipped += out.unknown;
        for (const r of out.readings) {
          take(r);
          if (pending.length >= 500) await flush();
        }
        await progress({ bytes: total, total, inserted: result.inserted, skipped: result.skipped });
      }
      await flush();
    }
    return result;
  }

  /**
   * The last `days` of readings as FHIR R4 vital-signs Observations (LOINC code, UCUM valueQuantity;
   * blood pressure as the panel with systolic/diastolic components), newest first, at most `max`.
   */
  async fhirObservations(
    owner: string,
    patientRef: string,
    options: { days?: number; max?: number } = {},
  ): Promise<Array<{ fullUrl: string; resource: Record<string, unknown> }>> {
    const to = this.now().getTime() + READING_FUTURE_SKEW_MS;
    const rows = await this.readings.list({ owner, from: to - (options.days ?? 30) * DAY, to, limit: 100_000 });
    const UCUM = 'http://unitsofmeasure.org';
    const LOINC_SYSTEM = 'http://loinc.org';
    const quantity = (value: number, unit: string, label: string) => ({
      value: round(value, 3),
      unit: label,
      system: UCUM,
      code: unit,
    });
    return rows
      .slice(-(options.max ?? 1000))
      .reverse()
      .map((r) => {
        const type = r.type as ReadingType;
        const info = READING_TYPE_INFO[type];
        const effective =
          r.end !== null
            ? { effectivePeriod: { start: new Date(r.start).toISOString(), end: new Date(r.end).toISOString() } }
            : { effectiveDateTime: new Date(r.start).toISOString() };
        const value =
          type === 'blood_pressure' && info.components
            ? {
                component: info.components.map((c, i) => ({
                  code: { coding: [{ system: LOINC_SYSTEM, code: c.loinc, display: c.display }] },
                  valueQuantity: quantity(i === 0 ? r.value : (r.value2 ?? NaN), info.unit, info.unitLabel),
                })),
              }
            : { valueQuantity: quantity(r.value, info.unit, info.unitLabel) };
        const flag = flagOf(type, r.value, r.value2);
        return {
          fullUrl: `urn:uuid:${randomUUID()}`,
          resource: {
            resourceType: 'Observation',
            status: 'final',
            category: [
              {
                coding: [
                  {
                    system: 'http://terminology.hl7.org/CodeSystem/observation-category',
                    code: 'vital-signs',
                    display: 'Vital Signs',
                  },
                ],
              },
            ],
            code: {
              coding: [{ system: LOINC_SYSTEM, code: info.loinc, display: info.loincDisplay }],
              text: info.label,
            },
            subject: { reference: patientRef },
            ...effective,
            ...value,
            ...(flag
              ? {
                  interpretation: [
                    {
                      coding: [
                        {
                          system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation',
                          code: flag === 'high' ? 'H' : 'L',
                          display: flag === 'high' ? 'High' : 'Low',
                        },
                      ],
                    },
                  ],
                }
              : {}),
            device: { display: r.device ?? r.source },
          },
        };
      });
  }

  /** Recent readings as assistant context (the caller checks the owner's consent). */
  async forAssistant(owner: string): Promise<AssistantReading[]> {
    return summaryForAssistant(await this.recentSummary(owner, 7));
  }

  /** Per type with readings in the last `days`: latest, min/mean/max, trend, how many out of range. */
  async recentSummary(owner: string, days = 7): Promise<RecentSummary[]> {
    const to = this.now().getTime() + READING_FUTURE_SKEW_MS;
    const from = to - days * DAY;
    const out: RecentSummary[] = [];
    for (const type of Object.keys(READING_TYPE_INFO) as ReadingType[]) {
      const info = READING_TYPE_INFO[type];
      const daily = await this.readings.buckets({ owner, type, from, to, bucketMs: DAY, limit: days + 1 });
      if (daily.length === 0) continue;
      const lastDay = daily.at(-1)!;
      const latestRow = (await this.readings.list({ owner, type, from: lastDay.start, to, limit: lastDay.count })).at(
        -1,
      )!;
      const count = daily.reduce((n, d) => n + d.count, 0);
      const mean = daily.reduce((s, d) => s + d.mean * d.count, 0) / count;
      const earlier = daily.slice(0, -1);
      const earlierCount = earlier.reduce((n, d) => n + d.count, 0);
      const trend = earlierCount
        ? lastDay.mean - earlier.reduce((s, d) => s + d.mean * d.count, 0) / earlierCount
        : null;
      const outOfRange = daily.filter(
        (d) => flagOf(type, d.max, d.max2) === 'high' || flagOf(type, d.min, d.min2) === 'low',
      ).length;
      out.push({
        type,
        label: info.label,
        unit: info.unitLabel,
        count,
        latest: {
          value: round(latestRow.value, 1),
          ...(latestRow.value2 !== null ? { diastolic: round(latestRow.value2, 1) } : {}),
          time: new Date(latestRow.start).toISOString(),
          ...(flagOf(type, latestRow.value, latestRow.value2)
            ? { flag: flagOf(type, latestRow.value, latestRow.value2) }
            : {}),
        },
        min: round(Math.min(...daily.map((d) => d.min)), 1),
        mean: round(mean, 1),
        max: round(Math.max(...daily.map((d) => d.max)), 1),
        trend: trend === null ? null : round(trend, 1),
        outOfRange,
      });
    }
    return out;
  }
}

/** What the assistant is told about one type of reading (the assistant's `SensorReading` shape). */
export interface AssistantReading {
  kind: string;
  type: ReadingType;
  value: number;
  diastolic?: number;
  unit: string;
  at: string;
  note: string;
}

/** The recent summary as prompt context lines: latest value, flag, 7-day range, mean and trend. */
export function summaryForAssistant(summary: readonly RecentSummary[]): AssistantReading[] {
  return summary.map((x) => {
    const note = [
      x.latest.flag ? `${x.latest.flag.toUpperCase()}, outside the safe range` : null,
      `${x.count} readings in 7 days, ${x.min}–${x.max}, mean ${x.mean}`,
      x.trend !== null && x.trend !== 0 ? `last day ${x.trend > 0 ? '+' : ''}${x.trend} vs the days before` : null,
      x.outOfRange ? `out of range on ${x.outOfRange} day(s)` : null,
    ]
      .filter(Boolean)
      .join('; ');
    return {
      kind: x.label,
      type: x.type,
      value: x.latest.value,
      ...(x.latest.diastolic !== undefined ? { diastolic: x.latest.diastolic } : {}),
      unit: x.unit,
      at: x.latest.time,
      note,
    };
  });
}

function present(r: ReadingRow): Reading {
  const type = r.type as ReadingType;
  const info = READING_TYPE_INFO[type];
  const flag = flagOf(type, r.value, r.value2);
  return {
    type,
    value: round(r.value, 3),
    ...(r.value2 !== null ? { diastolic: round(r.value2, 3) } : {}),
    unit: info.unit,
    time: new Date(r.start).toISOString(),
    ...(r.end !== null ? { end: new Date(r.end).toISOString() } : {}),
    source: r.source,
    ...(r.device ? { device: r.device } : {}),
    loinc: info.loinc,
    ...(flag ? { flag } : {}),
  };
}

function presentBucket(type: ReadingType, b: Bucket): ReadingBucketOut {
  const flag =
    flagOf(type, b.max, b.max2) === 'high' ? 'high' : flagOf(type, b.min, b.min2) === 'low' ? 'low' : undefined;
  return {
    start: new Date(b.start).toISOString(),
    count: b.count,
    min: round(b.min),
    mean: round(b.mean),
    max: round(b.max),
    ...(b.min2 !== null && b.mean2 !== null && b.max2 !== null
      ? { diastolic: { min: round(b.min2), mean: round(b.mean2), max: round(b.max2) } }
      : {}),
    ...(flag ? { flag } : {}),
  };
}
