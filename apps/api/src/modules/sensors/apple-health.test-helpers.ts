/**
 * A generated Apple Health export.xml of realistic shape (the DOCTYPE with its ATTLISTs as Apple
 * writes it, `ExportDate`, `Me`, Records with sourceName/sourceVersion/device/unit/creationDate/
 * startDate/endDate/value, MetadataEntry children, blood-pressure Correlations holding a systolic and
 * a diastolic Record, sleep-analysis categories, and record types Medichat does not read).
 * Written to a stream chunk by chunk, so a 200 MB export costs no memory to make.
 */
import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';

const HEADER = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 14 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary|ClinicalRecord)*)>
<!ATTLIST HealthData locale CDATA #REQUIRED>
<!ELEMENT ExportDate EMPTY>
<!ATTLIST ExportDate value CDATA #REQUIRED>
<!ELEMENT Me EMPTY>
<!ATTLIST Me HKCharacteristicTypeIdentifierDateOfBirth CDATA #REQUIRED HKCharacteristicTypeIdentifierBiologicalSex CDATA #REQUIRED>
<!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>
<!ATTLIST Record type CDATA #REQUIRED unit CDATA #IMPLIED value CDATA #IMPLIED sourceName CDATA #REQUIRED sourceVersion CDATA #IMPLIED device CDATA #IMPLIED creationDate CDATA #IMPLIED startDate CDATA #REQUIRED endDate CDATA #REQUIRED>
<!ELEMENT MetadataEntry EMPTY>
<!ATTLIST MetadataEntry key CDATA #REQUIRED value CDATA #REQUIRED>
<!ELEMENT Correlation ((MetadataEntry|Record)*)>
<!ATTLIST Correlation type CDATA #REQUIRED sourceName CDATA #REQUIRED startDate CDATA #REQUIRED endDate CDATA #REQUIRED>
]>
<HealthData locale="en_GB">
 <ExportDate value="2026-12-01 09:00:00 +0000"/>
 <Me HKCharacteristicTypeIdentifierDateOfBirth="1960-04-02" HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexFemale" HKCharacteristicTypeIdentifierBloodType="HKBloodTypeNotSet" HKCharacteristicTypeIdentifierFitzpatrickSkinType="HKFitzpatrickSkinTypeNotSet" HKCharacteristicTypeIdentifierCardioFitnessMedicationsUse="None"/>
`;

const DEVICE =
  '&lt;&lt;HKDevice: 0x281e4c0a0&gt;, name:Apple Watch, manufacturer:Apple Inc., model:Watch, hardware:Watch6,2, software:10.1&gt;';

/** `2026-11-01 08:00:00 +0000` */
export function appleStamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} +0000`;
}

export interface GeneratedExport {
  heartRates: number;
  bloodPressures: number;
  steps: number;
  sleeps: number;
  others: number;
  implausible: number;
  bytes: number;
}

/**
 * Writes an export: `days` of heart rate every `hrEveryMin` minutes from `start`, a blood pressure
 * morning and evening, hourly steps, one night of sleep per day, weight in lb, glucose in mmol/L,
 * SpO2 as a fraction, some records of other types, and one impossible 900 bpm heart rate.
 */
export async function writeAppleHealthExport(
  file: string,
  options: { start: number; days: number; hrEveryMin?: number },
): Promise<GeneratedExport> {
  const out = createWriteStream(file);
  const g: GeneratedExport = {
    heartRates: 0,
    bloodPressures: 0,
    steps: 0,
    sleeps: 0,
    others: 0,
    implausible: 1,
    bytes: 0,
  };
  const write = async (s: string) => {
    g.bytes += Buffer.byteLength(s);
    if (!out.write(s)) await once(out, 'drain');
  };
  const rec = (type: string, unit: string | null, value: string | number, start: number, end = start) =>
    ` <Record type="${type}" sourceName="Ada’s Apple Watch" sourceVersion="10.1" device="${DEVICE}"${unit ? ` unit="${unit}"` : ''} creationDate="${appleStamp(end)}" startDate="${appleStamp(start)}" endDate="${appleStamp(end)}" value="${value}"/>\n`;
  await write(HEADER);
  const every = (options.hrEveryMin ?? 1) * 60_000;
  for (let d = 0; d < options.days; d++) {
    const day = options.start + d * 86_400_000;
    let chunk = '';
    for (let t = day; t < day + 86_400_000; t += every) {
      const minute = (t - day) / 60_000;
      const hr = Math.round(62 + 18 * Math.sin(minute / 229) + ((minute * 7) % 11));
      chunk += ` <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="Ada’s Apple Watch" sourceVersion="10.1" device="${DEVICE}" unit="count/min" creationDate="${appleStamp(t)}" startDate="${appleStamp(t)}" endDate="${appleStamp(t)}" value="${hr}">\n  <MetadataEntry key="HKMetadataKeyHeartRateMotionContext" value="0"/>\n </Record>\n`;
      g.heartRates++;
      if (chunk.length > 60_000) {
        await write(chunk);
        chunk = '';
      }
    }
    for (const [h, sys, dia] of [
      [7, 128 + (d % 5), 82],
      [20, 150 + (d % 7), 96],
    ] as const) {
      const t = day + h * 3_600_000;
      chunk += ` <Correlation type="HKCorrelationTypeIdentifierBloodPressure" sourceName="Withings" startDate="${appleStamp(t)}" endDate="${appleStamp(t)}">\n`;
      chunk += rec('HKQuantityTypeIdentifierBloodPressureSystolic', 'mmHg', sys, t).replace(
        'Ada’s Apple Watch',
        'Withings',
      );
      chunk += rec('HKQuantityTypeIdentifierBloodPressureDiastolic', 'mmHg', dia, t).replace(
        'Ada’s Apple Watch',
        'Withings',
      );
      chunk += ' </Correlation>\n';
      g.bloodPressures++;
    }
    for (let h = 8; h < 20; h++) {
      chunk += rec(
        'HKQuantityTypeIdentifierStepCount',
        'count',
        300 + h * 20,
        day + h * 3_600_000,
        day + h * 3_600_000 + 3_000_000,
      );
      g.steps++;
    }
    chunk += rec(
      'HKCategoryTypeIdentifierSleepAnalysis',
      null,
      'HKCategoryValueSleepAnalysisAsleepCore',
      day - 2 * 3_600_000,
      day + 4 * 3_600_000,
    );
    chunk += rec(
      'HKCategoryTypeIdentifierSleepAnalysis',
      null,
      'HKCategoryValueSleepAnalysisInBed',
      day - 3 * 3_600_000,
      day + 5 * 3_600_000,
    );
    g.sleeps++;
    chunk += rec('HKQuantityTypeIdentifierBodyMass', 'lb', 143.3, day + 7.5 * 3_600_000);
    chunk += rec('HKQuantityTypeIdentifierBloodGlucose', 'mmol&lt;180.1558800000541&gt;/L', 5.6, day + 8 * 3_600_000);
    chunk += rec('HKQuantityTypeIdentifierOxygenSaturation', '%', 0.97, day + 9 * 3_600_000);
    chunk += rec('HKQuantityTypeIdentifierActiveEnergyBurned', 'kcal', 12.5, day + 10 * 3_600_000);
    chunk += rec('HKQuantityTypeIdentifierDietaryWater', 'mL', 250, day + 11 * 3_600_000);
    g.others += 5;
    await write(chunk);
  }
  await write(rec('HKQuantityTypeIdentifierHeartRate', 'count/min', 900, options.start + 30_000));
  await write('</HealthData>\n');
  out.end();
  await once(out, 'finish');
  return g;
}

/**
 * Zips an export.xml the way the Health app shares it: `apple_health_export/export.xml` beside
 * `export_cda.xml` (listed first, so the importer must pick the right entry) and a workout route.
 * Streamed by yazl (deflate), so a 200 MB export zips without holding it in memory.
 */
export async function zipAppleHealthExport(xmlFile: string, zipFile: string): Promise<number> {
  const zip = new yazl.ZipFile();
  const mtime = new Date('2026-12-01T09:00:00Z');
  zip.addBuffer(
    Buffer.from(
      '<?xml version="1.0" encoding="UTF-8"?>\n<ClinicalDocument xmlns="urn:hl7-org:v3"></ClinicalDocument>\n',
    ),
    'apple_health_export/export_cda.xml',
    { mtime },
  );
  zip.addFile(xmlFile, 'apple_health_export/export.xml', { mtime });
  zip.addBuffer(
    Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="Apple Health Export"></gpx>\n'),
    'apple_health_export/workout-routes/route_2026-11-30_7.12pm.gpx',
    { mtime },
  );
  zip.end();
  const out = createWriteStream(zipFile);
  await pipeline(zip.outputStream, out);
  return (await stat(zipFile)).size;
}
