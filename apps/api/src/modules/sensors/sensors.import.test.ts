/**
 * Imports on the real app and the real queue: a generated Apple Health export.xml of realistic shape
 * (3 days, heart rate every 5 minutes, blood-pressure correlations, steps, sleep, weight in lb,
 * glucose in mmol/L, SpO2 as a fraction, unknown types, one impossible heart rate) uploaded,
 * imported by the `sensors-import` job with progress, then charted; an entity bomb and a malformed
 * file fail the job with nothing stored; another user cannot read the job; Google Fit and Health
 * Connect JSON. SQLite and FerretDB.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestApp } from '../../testing/test-app.js';
import { createIdentityTestApp, registerAccount, testEngines, type Account } from '../account/auth.test-helpers.js';
import { writeAppleHealthExport, zipAppleHealthExport } from './apple-health.test-helpers.js';

const DAY = 86_400_000;

for (const engine of testEngines) {
  describe(`health imports (${engine})`, () => {
    let t: TestApp;
    let a: Account;
    let b: Account;
    const scratch = mkdtempSync(join(tmpdir(), 'medichat-import-'));
    const start = Math.floor((Date.now() - 10 * DAY) / DAY) * DAY;

    before(async () => {
      t = await createIdentityTestApp(engine);
      a = await registerAccount(t.app);
      b = await registerAccount(t.app);
    });
    after(async () => {
      await t.close();
      rmSync(scratch, { recursive: true, force: true });
    });

    const upload = (acc: Account, format: string, body: Buffer | string, type = 'application/xml') =>
      t.app.inject({
        method: 'POST',
        url: `/api/sensors/import?format=${format}`,
        headers: { ...acc.auth, 'content-type': type },
        payload: body,
      });
    const waitFor = async (acc: Account, jobId: string) => {
      const progress: unknown[] = [];
      for (let i = 0; i < 600; i++) {
        const res = await t.app.inject({
          method: 'GET',
          url: `/api/sensors/import/${encodeURIComponent(jobId)}`,
          headers: acc.auth,
        });
        assert.equal(res.statusCode, 200, res.body);
        const job = res.json();
        progress.push(job.progress);
        if (job.state === 'completed' || job.state === 'failed') return { ...job, seen: progress };
        await sleep(50);
      }
      throw new Error('import did not finish');
    };
    const range = async (acc: Account, type: string, from: number, to: number, bucket?: string) =>
      (
        await t.app.inject({
          method: 'GET',
          url: `/api/sensors?type=${type}&from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}${bucket ? `&bucket=${bucket}` : ''}`,
          headers: acc.auth,
        })
      ).json();
    const count = async (acc: Account, type?: string) => {
      const q = new URLSearchParams({
        from: new Date(start - 2 * DAY).toISOString(),
        to: new Date().toISOString(),
        limit: '2000',
        ...(type ? { type } : {}),
      });
      let n = 0;
      let cursor: string | null = null;
      do {
        const res = await t.app.inject({
          method: 'GET',
          url: `/api/sensors?${q}${cursor ? `&cursor=${cursor}` : ''}`,
          headers: acc.auth,
        });
        const body: { readings: unknown[]; nextCursor: string | null } = res.json();
        n += body.readings.length;
        cursor = body.nextCursor;
      } while (cursor);
      return n;
    };

    it('imports a realistic Apple Health export on the queue with progress, and the charts show it', async () => {
      const file = join(scratch, 'export.xml');
      const g = await writeAppleHealthExport(file, { start, days: 3, hrEveryMin: 5 });
      const res = await upload(a, 'apple-health', readFileSync(file));
      assert.equal(res.statusCode, 202, res.body);
      const job = await waitFor(a, res.json().jobId);
      assert.equal(job.state, 'completed', job.error);
      const expected = g.heartRates + g.bloodPressures + g.steps + g.sleeps + 3 * 3; // + weight, glucose, SpO2 a day
      assert.equal(job.result.inserted, expected, JSON.stringify(job.result));
      assert.equal(job.result.skipped, g.implausible + 2 * 3 /* unknown types */ + 3 /* in-bed sleep */);
      assert.ok(
        job.result.problems.some((p: string) => /900.*plausible/.test(p)),
        JSON.stringify(job.result.problems),
      );
      assert.equal(job.progress.bytes, g.bytes);
      assert.equal(job.progress.total, g.bytes);
      // The upload is gone once imported.
      assert.deepEqual(readdirSync(join(t.config.dataDir, 'imports')), []);

      assert.equal(await count(a, 'heart_rate'), g.heartRates);
      const bp = await range(a, 'blood_pressure', start, start + DAY);
      assert.deepEqual(
        bp.readings.map((r: { value: number; diastolic: number; source: string }) => [r.value, r.diastolic, r.source]),
        [
          [128, 82, 'apple-health:Withings'],
          [150, 96, 'apple-health:Withings'],
        ],
      );
      const weight = await range(a, 'body_weight', start, start + DAY);
      assert.deepEqual([weight.readings[0].value, weight.readings[0].device], [65, 'Apple Watch']);
      const sleepy = await range(a, 'sleep', start - DAY, start + DAY);
      assert.equal(sleepy.readings[0].value, 360);
      const hourly = await range(a, 'heart_rate', start, start + 3 * DAY, '1h');
      assert.equal(hourly.buckets.length, 72);
      assert.equal(hourly.buckets[0].count, 12);
      // A second import of the same export stores nothing new.
      const again = await waitFor(a, (await upload(a, 'apple-health', readFileSync(file))).json().jobId);
      assert.deepEqual([again.result.inserted, again.result.duplicates], [0, expected]);
      // Another user cannot see the job.
      const other = await t.app.inject({
        method: 'GET',
        url: `/api/sensors/import/${encodeURIComponent(res.json().jobId)}`,
        headers: b.auth,
      });
      assert.equal(other.statusCode, 404);
    });

    it('imports export.zip as the Health app shares it, reading export.xml out of the archive', async () => {
      const c = await registerAccount(t.app);
      const xml = join(scratch, 'zipped.xml');
      const zip = join(scratch, 'export.zip');
      const g = await writeAppleHealthExport(xml, { start, days: 2, hrEveryMin: 10 });
      const zipped = await zipAppleHealthExport(xml, zip);
      assert.ok(zipped < g.bytes / 4, `deflated: ${zipped} of ${g.bytes} bytes`);
      const res = await upload(c, 'apple-health', readFileSync(zip), 'application/zip');
      assert.equal(res.statusCode, 202, res.body);
      const job = await waitFor(c, res.json().jobId);
      assert.equal(job.state, 'completed', job.error);
      assert.equal(job.result.inserted, g.heartRates + g.bloodPressures + g.steps + g.sleeps + 3 * 2);
      // Progress counts the uncompressed export.xml, not the zip.
      assert.deepEqual([job.progress.bytes, job.progress.total], [g.bytes, g.bytes]);
      assert.equal(await count(c, 'heart_rate'), g.heartRates);

      // A zip without export.xml, and a truncated one: the job fails naming why, nothing stored.
      const d = await registerAccount(t.app);
      const { default: yazl } = await import('yazl');
      const other = new yazl.ZipFile();
      other.addBuffer(Buffer.from('<HealthData/>'), 'apple_health_export/notes.xml');
      other.end();
      const chunks: Buffer[] = [];
      for await (const chunk of other.outputStream) chunks.push(chunk as Buffer);
      const noXml = await waitFor(
        d,
        (await upload(d, 'apple-health', Buffer.concat(chunks), 'application/zip')).json().jobId,
      );
      assert.equal(noXml.state, 'failed');
      assert.match(noXml.error, /no export\.xml/);
      const whole = readFileSync(zip);
      const cut = await waitFor(
        d,
        (await upload(d, 'apple-health', whole.subarray(0, whole.length >> 1), 'application/zip')).json().jobId,
      );
      assert.equal(cut.state, 'failed');
      assert.match(cut.error, /zip/);
      assert.equal(await count(d), 0);
    });

    it('refuses at once, with a 415 and no job, an upload that is not an export of its format', async () => {
      const pdf = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n');
      for (const [format, body] of [
        ['apple-health', pdf],
        ['apple-health', Buffer.from('{"records": []}')],
        ['health-connect', Buffer.from('<HealthData/>')],
        ['google-fit', Buffer.from('\x89PNG\r\n')],
      ] as const) {
        const res = await upload(b, format, body, 'application/octet-stream');
        assert.equal(res.statusCode, 415, `${format}: ${res.body}`);
        assert.match(res.headers['content-type'] as string, /application\/problem\+json/);
        assert.match(res.json().detail, /not an? .*export/);
      }
      assert.deepEqual(readdirSync(join(t.config.dataDir, 'imports')), []);
      assert.equal(await count(b), 0);
    });

    it('refuses an entity bomb and a malformed export: the job fails naming why, nothing stored', async () => {
      const bomb = `<?xml version="1.0"?>\n<!DOCTYPE HealthData [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>\n<HealthData><Record type="HKQuantityTypeIdentifierHeartRate" unit="count/min" sourceName="&c;" startDate="2026-11-01 08:00:00 +0000" endDate="2026-11-01 08:00:00 +0000" value="70"/></HealthData>`;
      const res = await upload(b, 'apple-health', bomb);
      assert.equal(res.statusCode, 202);
      const job = await waitFor(b, res.json().jobId);
      assert.equal(job.state, 'failed');
      assert.match(job.error, /entities; refused/);
      const broken = `<?xml version="1.0"?><HealthData><Record type="HKQuantityTypeIdentifierHeartRate" unit="count/min" sourceName="x" startDate="2026-11-01 08:00:00 +0000" endDate="2026-11-01 08:00:00 +0000" value="70"></HealthData>`;
      const job2 = await waitFor(b, (await upload(b, 'apple-health', broken)).json().jobId);
      assert.equal(job2.state, 'failed');
      assert.match(job2.error, /not well-formed XML/);
      assert.equal(await count(b), 0);
      assert.equal((await upload(b, 'apple-health', '')).statusCode, 400);
      assert.equal((await upload(b, 'fitbit', '<x/>')).statusCode, 400);
    });

    it('imports Google Fit Takeout and Health Connect JSON', async () => {
      const ns = (ms: number) => `${BigInt(ms) * 1_000_000n}`;
      const fit = {
        'Data Source': 'derived:com.google.heart_rate.bpm:com.google.android.gms:merge_heart_rate_bpm',
        'Data Points': [
          {
            fitValue: [{ value: { fpVal: 71 } }],
            originDataSourceId: '',
            endTimeNanos: ns(start + 60_000),
            dataTypeName: 'com.google.heart_rate.bpm',
            startTimeNanos: ns(start + 60_000),
            modifiedTimeMillis: String(start),
            rawTimestampNanos: '0',
          },
          {
            fitValue: [{ value: { intVal: 420 } }],
            endTimeNanos: ns(start + 3_600_000),
            dataTypeName: 'com.google.step_count.delta',
            startTimeNanos: ns(start),
          },
          {
            fitValue: [{ value: { fpVal: 3 } }],
            endTimeNanos: ns(start),
            dataTypeName: 'com.google.activity.segment',
            startTimeNanos: ns(start),
          },
        ],
      };
      const r1 = await waitFor(
        b,
        (await upload(b, 'google-fit', JSON.stringify(fit), 'application/json')).json().jobId,
      );
      assert.equal(r1.state, 'completed', r1.error);
      assert.deepEqual([r1.result.inserted, r1.result.skipped], [2, 1]);
      const hc = {
        records: [
          {
            type: 'BloodPressureRecord',
            time: new Date(start + 7 * 3_600_000).toISOString(),
            value: 17.3,
            diastolic: 11.2,
            unit: 'kPa',
          },
          { type: 'WeightRecord', time: new Date(start + 8 * 3_600_000).toISOString(), value: 70.2, unit: 'kg' },
          { type: 'HeartRateRecord', time: new Date(start + 9 * 3_600_000).toISOString(), value: 5000, unit: '/min' },
        ],
      };
      const r2 = await waitFor(
        b,
        (await upload(b, 'health-connect', JSON.stringify(hc), 'application/json')).json().jobId,
      );
      assert.equal(r2.state, 'completed', r2.error);
      assert.deepEqual([r2.result.inserted, r2.result.skipped], [2, 1]);
      const bp = await range(b, 'blood_pressure', start, start + DAY);
      assert.deepEqual(
        [Math.round(bp.readings[0].value), Math.round(bp.readings[0].diastolic), bp.readings[0].source],
        [130, 84, 'health-connect'],
      );
      const bad = await waitFor(b, (await upload(b, 'google-fit', '{"nope": 1}', 'application/json')).json().jobId);
      assert.match(bad.error, /no "Data Points"/);
    });
  });
}
