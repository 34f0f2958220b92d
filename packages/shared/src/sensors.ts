/**
 * Wearable / device readings: the types Medichat takes, each with its LOINC code, canonical UCUM unit,
 * the other units it converts, a plausibility range (beyond it a reading is rejected as impossible)
 * and, where a clinical source gives one, a safe range (outside it the reading is flagged to the
 * patient). Facts carry their source next to them. The API (validation, FHIR export, prompt
 * context) and the web (charts mark the safe range) read this one table.
 */
import { z } from 'zod';

export const READING_TYPES = [
  'heart_rate',
  'spo2',
  'steps',
  'body_temperature',
  'blood_pressure',
  'glucose',
  'body_weight',
  'sleep',
  'respiratory_rate',
] as const;
export type ReadingType = (typeof READING_TYPES)[number];

/** canonical = value × factor + offset. */
export interface UnitConversion {
  factor: number;
  offset?: number;
}

export interface SafeRange {
  low?: number;
  high?: number;
  /** Diastolic bounds of a blood pressure. */
  low2?: number;
  high2?: number;
  source: string;
}

export interface ReadingTypeInfo {
  label: string;
  /** LOINC code of the observation (of the panel for blood pressure). */
  loinc: string;
  loincDisplay: string;
  /** Blood pressure: the component codes, systolic then diastolic. */
  components?: readonly [{ loinc: string; display: string }, { loinc: string; display: string }];
  /** Canonical UCUM unit; stored values are in it. */
  unit: string;
  /** Human label of the canonical unit. */
  unitLabel: string;
  /** Accepted UCUM units (the canonical one included) and how each converts. */
  units: Record<string, UnitConversion>;
  /** In the canonical unit: beyond these a reading is impossible (a 4xx). */
  plausible: { min: number; max: number; min2?: number; max2?: number };
  safe?: SafeRange;
  /** Interval readings (steps, sleep) need an `end`. */
  interval: boolean;
}

const LOINC = 'LOINC (loinc.org), Regenstrief Institute';
const PLAUSIBLE = 'Medichat plausibility limit: beyond recorded human extremes and consumer-device ranges';
const NEWS2 = 'Royal College of Physicians, National Early Warning Score (NEWS) 2, 2017: the score-0 band';

export const READING_TYPE_INFO: Record<ReadingType, ReadingTypeInfo> = {
  heart_rate: {
    label: 'Heart rate',
    loinc: '8867-4',
    loincDisplay: 'Heart rate',
    unit: '/min',
    unitLabel: 'bpm',
    units: { '/min': { factor: 1 }, '{beats}/min': { factor: 1 } },
    plausible: { min: 20, max: 300 },
    safe: { low: 51, high: 90, source: NEWS2 },
    interval: false,
  },
  spo2: {
    label: 'Oxygen saturation',
    loinc: '59408-5',
    loincDisplay: 'Oxygen saturation in Arterial blood by Pulse oximetry',
    unit: '%',
    unitLabel: '%',
    units: { '%': { factor: 1 }, '1': { factor: 100 } },
    plausible: { min: 50, max: 100 },
    safe: { low: 96, source: `${NEWS2} (SpO2 scale 1)` },
    interval: false,
  },
  steps: {
    label: 'Steps',
    loinc: '55423-8',
    loincDisplay: 'Number of steps in unspecified time Pedometer',
    unit: '{steps}',
    unitLabel: 'steps',
    units: { '{steps}': { factor: 1 }, '{count}': { factor: 1 }, '1': { factor: 1 } },
    plausible: { min: 0, max: 100_000 },
    interval: true,
  },
  body_temperature: {
    label: 'Body temperature',
    loinc: '8310-5',
    loincDisplay: 'Body temperature',
    unit: 'Cel',
    unitLabel: '°C',
    units: {
      Cel: { factor: 1 },
      '[degF]': { factor: 5 / 9, offset: (-32 * 5) / 9 },
      K: { factor: 1, offset: -273.15 },
    },
    plausible: { min: 25, max: 45 },
    safe: { low: 36.1, high: 38, source: NEWS2 },
    interval: false,
  },
  blood_pressure: {
    label: 'Blood pressure',
    loinc: '85354-9',
    loincDisplay: 'Blood pressure panel with all children optional',
    components: [
      { loinc: '8480-6', display: 'Systolic blood pressure' },
      { loinc: '8462-4', display: 'Diastolic blood pressure' },
    ],
    unit: 'mm[Hg]',
    unitLabel: 'mmHg',
    // 1 kPa = 7.50062 mmHg (UCUM: mm[Hg] = 133.322 Pa).
    units: { 'mm[Hg]': { factor: 1 }, kPa: { factor: 7.50062 } },
    plausible: { min: 50, max: 300, min2: 20, max2: 200 },
    safe: {
      low: 91,
      high: 139,
      low2: 40,
      high2: 89,
      source:
        'NICE guideline NG136 Hypertension in adults (2019): clinic blood pressure 140/90 mmHg or higher is hypertension; NEWS2 2017: systolic 90 mmHg or lower scores 3',
    },
    interval: false,
  },
  glucose: {
    label: 'Blood glucose',
    loinc: '2339-0',
    loincDisplay: 'Glucose [Mass/volume] in Blood',
    unit: 'mg/dL',
    unitLabel: 'mg/dL',
    // Glucose 180.16 g/mol: 1 mmol/L = 18.016 mg/dL.
    units: { 'mg/dL': { factor: 1 }, 'mmol/L': { factor: 18.016 } },
    plausible: { min: 10, max: 1500 },
    safe: {
      low: 70,
      high: 180,
      source:
        'American Diabetes Association, Standards of Care in Diabetes (2024), section 6: below 70 mg/dL is hypoglycaemia; time in range 70–180 mg/dL',
    },
    interval: false,
  },
  body_weight: {
    label: 'Body weight',
    loinc: '29463-7',
    loincDisplay: 'Body weight',
    unit: 'kg',
    unitLabel: 'kg',
    units: { kg: { factor: 1 }, g: { factor: 0.001 }, '[lb_av]': { factor: 0.45359237 } },
    plausible: { min: 0.5, max: 650 },
    interval: false,
  },
  sleep: {
    label: 'Sleep',
    loinc: '93832-4',
    loincDisplay: 'Sleep duration',
    unit: 'min',
    unitLabel: 'min',
    units: { min: { factor: 1 }, h: { factor: 60 }, s: { factor: 1 / 60 } },
    plausible: { min: 0, max: 1440 },
    safe: {
      low: 420,
      source:
        'American Academy of Sleep Medicine and Sleep Research Society consensus (2015): adults need 7 hours or more',
    },
    interval: true,
  },
  respiratory_rate: {
    label: 'Respiratory rate',
    loinc: '9279-1',
    loincDisplay: 'Respiratory rate',
    unit: '/min',
    unitLabel: 'breaths/min',
    units: { '/min': { factor: 1 }, '{breaths}/min': { factor: 1 } },
    plausible: { min: 3, max: 70 },
    safe: { low: 12, high: 20, source: NEWS2 },
    interval: false,
  },
};

/** Where the codes, units and limits above come from. */
export const READING_SOURCES = {
  codes: LOINC,
  units: 'UCUM, The Unified Code for Units of Measure (unitsofmeasure.org)',
  plausible: PLAUSIBLE,
} as const;

/** Readings in one POST. */
export const READINGS_BATCH_MAX = 5000;
/** Clock skew a device may have: a reading this far in the future is still taken. */
export const READING_FUTURE_SKEW_MS = 5 * 60_000;
export const READING_EARLIEST = '1900-01-01T00:00:00.000Z';

export const READING_BUCKETS = {
  '1m': 60_000,
  '5m': 300_000,
  '15m': 900_000,
  '1h': 3_600_000,
  '6h': 21_600_000,
  '1d': 86_400_000,
  '1w': 604_800_000,
} as const;
export type ReadingBucket = keyof typeof READING_BUCKETS;

const sourceId = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._:/()-]*$/, 'must be letters, digits, spaces and . _ : / ( ) -');

export const readingInputSchema = z
  .object({
    type: z.enum(READING_TYPES),
    value: z.number().finite(),
    /** Blood pressure only: the diastolic value (then `value` is the systolic). */
    diastolic: z.number().finite().optional(),
    unit: z.string().min(1).max(32),
    time: z.iso.datetime({ offset: true }),
    end: z.iso.datetime({ offset: true }).optional(),
    source: sourceId,
    device: z.string().trim().max(100).optional(),
  })
  .strict();
export type ReadingInput = z.infer<typeof readingInputSchema>;

export const readingsBatchSchema = z
  .object({ readings: z.array(readingInputSchema).min(1).max(READINGS_BATCH_MAX) })
  .strict();

export const readingsIngestResultSchema = z.object({ inserted: z.number().int(), duplicates: z.number().int() });

export const readingFlagSchema = z.enum(['low', 'high']);
export type ReadingFlag = z.infer<typeof readingFlagSchema>;

export const readingSchema = z.object({
  type: z.enum(READING_TYPES),
  value: z.number(),
  diastolic: z.number().optional(),
  unit: z.string(),
  time: z.string(),
  end: z.string().optional(),
  source: z.string(),
  device: z.string().optional(),
  loinc: z.string(),
  flag: readingFlagSchema.optional(),
});
export type Reading = z.infer<typeof readingSchema>;

export const readingBucketSchema = z.object({
  start: z.string(),
  count: z.number().int(),
  min: z.number(),
  mean: z.number(),
  max: z.number(),
  diastolic: z.object({ min: z.number(), mean: z.number(), max: z.number() }).optional(),
  flag: readingFlagSchema.optional(),
});
export type ReadingBucketOut = z.infer<typeof readingBucketSchema>;

export const readingsQuerySchema = z
  .object({
    type: z.enum(READING_TYPES).optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    bucket: z.enum(Object.keys(READING_BUCKETS) as [ReadingBucket, ...ReadingBucket[]]).optional(),
    cursor: z
      .string()
      .max(300)
      .regex(/^[A-Za-z0-9_-]+$/, 'must be a cursor from a previous page')
      .optional(),
    limit: z.coerce.number().int().min(1).max(2000).optional(),
  })
  .strict();
export type ReadingsQuery = z.infer<typeof readingsQuerySchema>;

export const readingsPageSchema = z.object({
  readings: z.array(readingSchema).optional(),
  buckets: z.array(readingBucketSchema).optional(),
  type: z.enum(READING_TYPES).optional(),
  unit: z.string().optional(),
  bucket: z.string().optional(),
  nextCursor: z.string().nullable(),
});
export type ReadingsPage = z.infer<typeof readingsPageSchema>;

/** What an import job returns (GET /api/sensors/import/:id `result`). */
export interface ImportResult {
  records: number;
  inserted: number;
  duplicates: number;
  skipped: number;
  /** Why records were skipped, first few. */
  problems: string[];
}

export const readingsDeleteQuerySchema = z.object({ source: sourceId }).strict();

/** `GET /api/sensors/sources`: where the owner's readings came from (what DELETE takes). */
export const readingSourcesSchema = z.object({
  sources: z.array(z.object({ source: z.string(), count: z.number().int(), first: z.string(), last: z.string() })),
});
export type ReadingSources = z.infer<typeof readingSourcesSchema>;

/** `GET /api/sensors/import/:jobId`. */
export const importStatusSchema = z.object({
  /** The queue's state: waiting, active, completed, failed (delayed / retrying in between). */
  state: z.string(),
  progress: z.unknown(),
  result: z.unknown().optional(),
  error: z.string().optional(),
});
export type ImportStatus = z.infer<typeof importStatusSchema>;

// ---- news (the dashboard's news card) ----

export const newsItemSchema = z.object({
  id: z.string(),
  title: z.string(),
  link: z.string(),
  /** Sanitised HTML: p, br, b, i, em, strong, ul, ol, li, blockquote, a (rel=noopener). */
  summary: z.string(),
  source: z.string(),
  lang: z.string(),
  publishedAt: z.string(),
});
export type NewsItem = z.infer<typeof newsItemSchema>;

export const newsQuerySchema = z
  .object({
    lang: z
      .string()
      .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$/, 'must be a language tag')
      .optional(),
    cursor: z
      .string()
      .max(300)
      .regex(/^[A-Za-z0-9_-]+$/, 'must be a cursor from a previous page')
      .optional(),
    limit: z.coerce.number().int().min(1).max(50).optional(),
  })
  .strict();

export const newsPageSchema = z.object({
  items: z.array(newsItemSchema),
  lang: z.string(),
  /** True when these are the shipped offline items (no feed fetched yet, or none configured). */
  offline: z.boolean(),
  nextCursor: z.string().nullable(),
});
export type NewsPage = z.infer<typeof newsPageSchema>;
