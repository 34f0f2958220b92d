/**
 * Imports of health exports into readings, streamed with flat memory:
 *
 * - Apple Health `export.zip` as the phone shares it (`apple_health_export/export.xml` inside, read
 *   straight out of the archive by yauzl, never unpacked to disk) or a bare `export.xml`
 *   (hundreds of MB): read in 64 KiB chunks through saxes (a streaming,
 *   well-formedness-checking XML parser; it expands no DTD entities — a doctype that declares any
 *   is refused before a record is read, so entity-expansion bombs never start). `Record` elements
 *   of the known quantity types become readings; systolic and diastolic records of one blood
 *   pressure (same start, same source) are paired; sleep-analysis "asleep" intervals become sleep
 *   minutes. Units are Apple's (`count/min`, `degF`, `mmol<180.15…>/L`, `lb`) mapped to UCUM.
 * - Google Fit (Takeout `All Data/*.json`: `{"Data Points": [{dataTypeName, startTimeNanos,
 *   endTimeNanos, fitValue: [{value: {fpVal|intVal}}]}]}`) and Health Connect style JSON
 *   (`{records: [{type, time|startTime, endTime, value, unit, diastolic?}]}`), read whole (they
 *   are per-day files, capped at the upload limit).
 *
 * Readings are validated like POST /api/sensors (same table) in batches of 500; a record that is not
 * valid (implausible, future, unknown unit) is skipped and counted, never stored — an import is many
 * independent measurements, and one bad sample from a device must not lose a year of data.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { SaxesParser } from 'saxes';
import yauzl from 'yauzl';
import type { ReadingInput, ReadingType } from '@medichat/shared';

export type ImportFormat = 'apple-health' | 'google-fit' | 'health-connect';

export type { ImportResult } from '@medichat/shared';

export class ImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportError';
  }
}

/** Apple HealthKit identifiers → reading type, with Apple's unit spellings → UCUM. */
const APPLE_TYPES: Record<string, { type: ReadingType; units: Record<string, string> }> = {
  HKQuantityTypeIdentifierHeartRate: { type: 'heart_rate', units: { 'count/min': '/min' } },
  HKQuantityTypeIdentifierOxygenSaturation: { type: 'spo2', units: { '%': '1' } },
  HKQuantityTypeIdentifierStepCount: { type: 'steps', units: { count: '{steps}' } },
  HKQuantityTypeIdentifierBodyTemperature: { type: 'body_temperature', units: { degC: 'Cel', degF: '[degF]' } },
  HKQuantityTypeIdentifierBloodGlucose: { type: 'glucose', units: { 'mg/dL': 'mg/dL', 'mmol/L': 'mmol/L' } },
  HKQuantityTypeIdentifierBodyMass: { type: 'body_weight', units: { kg: 'kg', lb: '[lb_av]', g: 'g' } },
  HKQuantityTypeIdentifierRespiratoryRate: { type: 'respiratory_rate', units: { 'count/min': '/min' } },
};
const SYSTOLIC = 'HKQuantityTypeIdentifierBloodPressureSystolic';
const DIASTOLIC = 'HKQuantityTypeIdentifierBloodPressureDiastolic';
const SLEEP = 'HKCategoryTypeIdentifierSleepAnalysis';

/** The largest `export.xml` taken out of a zip (uncompressed; the 1 GiB upload limit is on the zip). */
export const EXPORT_XML_MAX_BYTES = 4 * 1024 ** 3;

/** Whether the file starts like a zip archive (a local file header, `PK\x03\x04`). */
async function isZip(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    return bytesRead === 4 && head.readUInt32LE(0) === 0x04034b50;
  } finally {
    await handle.close();
  }
}

/**
 * The `export.xml` of an Apple Health export, as a byte stream with its size: the file itself, or
 * the entry `…/export.xml` of a zip (not `export_cda.xml`, not the workout routes). yauzl reads the
 * central directory and checks each entry's size and CRC as it inflates, so a truncated or lying
 * archive fails the stream instead of yielding garbage.
 */
async function openAppleExport(file: string, signal?: AbortSignal): Promise<{ stream: Readable; total: number }> {
  if (!(await isZip(file))) {
    return {
      stream: createReadStream(file, { highWaterMark: 64 * 1024, signal }),
      total: (await stat(file)).size,
    };
  }
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true });
  } catch (err) {
    throw new ImportError(`not a readable zip archive: ${(err as Error).message}`);
  }
  const entry = await new Promise<yauzl.Entry | null>((resolve, reject) => {
    zip.on('entry', (e: yauzl.Entry) => {
      if (/(^|\/)export\.xml$/.test(e.fileName)) resolve(e);
      else zip.readEntry();
    });
    zip.on('end', () => resolve(null));
    zip.on('error', (err: Error) => reject(new ImportError(`not a readable zip archive: ${err.message}`)));
    zip.readEntry();
  }).catch((err: unknown) => {
    zip.close();
    throw err;
  });
  const refuse = (message: string) => {
    zip.close();
    return new ImportError(message);
  };
  if (!entry) throw refuse('the zip holds no export.xml (share the export from the Health app as it is)');
  if (entry.isEncrypted()) throw refuse('the zip is encrypted');
  if (!entry.canDecodeFileData()) throw refuse('the zip uses a compression method that is not supported');
  if (entry.uncompressedSize > EXPORT_XML_MAX_BYTES)
    throw refuse(`export.xml unpacks to ${entry.uncompressedSize} bytes; at most ${EXPORT_XML_MAX_BYTES} are taken`);
  const stream = await zip.openReadStreamPromise(entry).catch((err: Error) => {
    throw refuse(`the zip entry cannot be read: ${err.message}`);
  });
  stream.once('close', () => zip.close());
  signal?.addEventListener('abort', () => stream.destroy(signal.reason as Error), { once: true });
  return { stream, total: entry.uncompressedSize };
}

/** `2026-11-01 08:00:00 +0100` (Apple's format) → ISO 8601, or null. */
export function appleDate(s: string | undefined): string | null {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) ([+-]\d{2})(\d{2})$/.exec(s ?? '');
  if (!m) return null;
  const iso = `${m[1]}T${m[2]}${m[3]}:${m[4]}`;
  return Number.isNaN(Date.parse(iso)) ? null : new Date(iso).toISOString();
}

const sourceOf = (name: string | undefined) =>
  `apple-health${name ? `:${name.replace(/[^A-Za-z0-9 ._:/()-]/g, '').slice(0, 80)}` : ''}`.trim();

/**
 * Streams an Apple Health export, calling `emit` for every reading it understands; `flush` is
 * awaited between chunks (so inserts keep pace with the read and memory stays flat).
 */
export async function streamAppleHealth(
  file: string,
  emit: (r: ReadingInput) => void,
  between: (bytesRead: number, totalBytes: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<{ records: number; unknown: number }> {
  const parser = new SaxesParser({ xmlns: false, position: false });
  let records = 0;
  let unknown = 0;
  let failure: Error | null = null;
  const pendingBp = new Map<
    string,
    { sys?: number; dia?: number; unit: string; time: string; source: string; device?: string }
  >();
  parser.on('doctype', (doctype) => {
    if (/<!ENTITY/i.test(doctype))
      failure ??= new ImportError('the export declares XML entities; refused (entity-expansion protection)');
  });
  parser.on('error', (err) => {
    failure ??= new ImportError(`not well-formed XML: ${err.message.split('\n')[0]}`);
  });
  parser.on('opentag', (tag) => {
    if (failure || tag.name !== 'Record') return;
    records++;
    const a = tag.attributes as Record<string, string>;
    const time = appleDate(a.startDate);
    const end = appleDate(a.endDate);
    const source = sourceOf(a.sourceName);
    const device = a.device ? (/name:([^,>]+)/.exec(a.device)?.[1]?.trim() ?? undefined) : undefined;
    if (!time) return void unknown++;
    const known = APPLE_TYPES[a.type ?? ''];
    if (known) {
      const value = Number(a.value);
      const unit = known.units[a.unit ?? ''] ?? (a.unit?.startsWith('mmol<') ? 'mmol/L' : (a.unit ?? ''));
      emit({
        type: known.type,
        value,
        unit,
        time,
        ...(known.type === 'steps' && end
          ? { end: end > time ? end : new Date(Date.parse(time) + 1000).toISOString() }
          : {}),
        source,
        ...(device ? { device: device.slice(0, 100) } : {}),
      });
      return;
    }
    if (a.type === SYSTOLIC || a.type === DIASTOLIC) {
      const key = `${time}\u001f${source}`;
      const bp = pendingBp.get(key) ?? { unit: a.unit === 'mmHg' ? 'mm[Hg]' : (a.unit ?? ''), time, source, device };
      if (a.type === SYSTOLIC) bp.sys = Number(a.value);
      else bp.dia = Number(a.value);
      if (bp.sys !== undefined && bp.dia !== undefined) {
        pendingBp.delete(key);
        emit({
          type: 'blood_pressure',
          value: bp.sys,
          diastolic: bp.dia,
          unit: bp.unit,
          time,
          source,
          ...(device ? { device } : {}),
        });
      } else pendingBp.set(key, bp);
      return;
    }
    if (a.type === SLEEP && /Asleep/.test(a.value ?? '') && end) {
      const minutes = (Date.parse(end) - Date.parse(time)) / 60_000;
      emit({ type: 'sleep', value: minutes, unit: 'min', time, end, source, ...(device ? { device } : {}) });
      return;
    }
    unknown++;
  });

  let read = 0;
  const { stream, total } = await openAppleExport(file, signal);
  // A multi-byte character may straddle two chunks: the decoder carries it over.
  const decoder = new TextDecoder('utf-8');
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      read += chunk.length;
      parser.write(decoder.decode(chunk, { stream: true }));
      if (failure) throw failure;
      await between(read, total);
    }
  } catch (err) {
    if (err instanceof ImportError || signal?.aborted) throw err;
    // The zip's inflate (bad data, size or CRC mismatch) or the read failed.
    throw new ImportError(`the export could not be read: ${(err as Error).message}`);
  } finally {
    stream.destroy();
  }
  parser.write(decoder.decode());
  parser.close();
  if (failure) throw failure;
  // A lone half of a blood pressure is no reading.
  unknown += pendingBp.size;
  return { records, unknown };
}

const GOOGLE_FIT: Record<string, { type: ReadingType; unit: string }> = {
  'com.google.heart_rate.bpm': { type: 'heart_rate', unit: '/min' },
  'com.google.step_count.delta': { type: 'steps', unit: '{steps}' },
  'com.google.weight': { type: 'body_weight', unit: 'kg' },
  'com.google.oxygen_saturation': { type: 'spo2', unit: '%' },
  'com.google.body.temperature': { type: 'body_temperature', unit: 'Cel' },
  'com.google.blood_glucose': { type: 'glucose', unit: 'mmol/L' },
  'com.google.blood_pressure': { type: 'blood_pressure', unit: 'mm[Hg]' },
};

const HEALTH_CONNECT: Record<string, ReadingType> = {
  HeartRate: 'heart_rate',
  HeartRateRecord: 'heart_rate',
  OxygenSaturation: 'spo2',
  OxygenSaturationRecord: 'spo2',
  Steps: 'steps',
  StepsRecord: 'steps',
  BodyTemperature: 'body_temperature',
  BodyTemperatureRecord: 'body_temperature',
  BloodPressure: 'blood_pressure',
  BloodPressureRecord: 'blood_pressure',
  BloodGlucose: 'glucose',
  BloodGlucoseRecord: 'glucose',
  Weight: 'body_weight',
  WeightRecord: 'body_weight',
  SleepSession: 'sleep',
  SleepSessionRecord: 'sleep',
  RespiratoryRate: 'respiratory_rate',
  RespiratoryRateRecord: 'respiratory_rate',
};

const nanosToIso = (n: unknown) => {
  const ms = Number(BigInt(String(n)) / 1_000_000n);
  return new Date(ms).toISOString();
};

/** Google Fit Takeout or Health Connect JSON → readings (unknown entries counted). */
export function parseHealthJson(
  format: 'google-fit' | 'health-connect',
  json: unknown,
): { readings: ReadingInput[]; records: number; unknown: number } {
  const readings: ReadingInput[] = [];
  let records = 0;
  let unknown = 0;
  if (format === 'google-fit') {
    const points = (json as { 'Data Points'?: unknown[] })?.['Data Points'];
    if (!Array.isArray(points)) throw new ImportError('not a Google Fit export: no "Data Points" array');
    for (const p of points as Array<Record<string, unknown>>) {
      records++;
      const known = GOOGLE_FIT[String(p.dataTypeName)];
      const values = (p.fitValue as Array<{ value?: { fpVal?: number; intVal?: number } }> | undefined) ?? [];
      const v = values.map((x) => x.value?.fpVal ?? x.value?.intVal);
      try {
        if (!known || typeof v[0] !== 'number') throw new Error('unknown');
        const time = nanosToIso(p.startTimeNanos);
        const end = p.endTimeNanos !== undefined ? nanosToIso(p.endTimeNanos) : undefined;
        readings.push({
          type: known.type,
          value: v[0],
          ...(known.type === 'blood_pressure' && typeof v[1] === 'number' ? { diastolic: v[1] } : {}),
          unit: known.unit,
          time,
          ...(known.type === 'steps' && end ? { end } : {}),
          source: 'google-fit',
        });
      } catch {
        unknown++;
      }
    }
  } else {
    const list = (json as { records?: unknown[] })?.records;
    if (!Array.isArray(list)) throw new ImportError('not a Health Connect export: no "records" array');
    for (const r of list as Array<Record<string, unknown>>) {
      records++;
      const type = HEALTH_CONNECT[String(r.type)];
      const time = typeof r.time === 'string' ? r.time : typeof r.startTime === 'string' ? r.startTime : undefined;
      if (!type || !time || typeof r.value !== 'number' || typeof r.unit !== 'string') {
        unknown++;
        continue;
      }
      readings.push({
        type,
        value: r.value,
        ...(typeof r.diastolic === 'number' ? { diastolic: r.diastolic } : {}),
        unit: r.unit,
        time,
        ...(typeof r.endTime === 'string' ? { end: r.endTime } : {}),
        source: 'health-connect',
      });
    }
  }
  return { readings, records, unknown };
}
