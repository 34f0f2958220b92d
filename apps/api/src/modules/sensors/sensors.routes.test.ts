/**
 * Readings through the real app on SQLite and (when configured) FerretDB: a mixed batch converted to
 * canonical UCUM units with LOINC codes and safe-range flags, idempotent re-sends, every kind of bad
 * reading a 422 naming its index with nothing of the batch stored, batch and body limits, raw cursor
 * pages, server-side buckets, deleting a source, and one user never reaching another's readings.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestApp } from '../../testing/test-app.js';
import { createIdentityTestApp, registerAccount, testEngines, type Account } from '../account/auth.test-helpers.js';

const DAY = 86_400_000;

for (const engine of testEngines) {
  describe(`sensors API (${engine})`, () => {
    let t: TestApp;
    let a: Account;
    let b: Account;
    // Whole minutes, a day before now: readings are never in the future.
    const base = Math.floor((Date.now() - 2 * DAY) / DAY) * DAY;
    const iso = (ms: number) => new Date(ms).toISOString();

    const post = (acc: Account, readings: unknown[]) =>
      t.app.inject({ method: 'POST', url: '/api/sensors', headers: acc.auth, payload: { readings } });
    const get = (acc: Account, query: Record<string, string | number>) =>
      t.app.inject({
        method: 'GET',
        url: `/api/sensors?${new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)] as [string, string]))}`,
        headers: acc.auth,
      });
    const countAll = async (acc: Account) => {
      const res = await get(acc, { from: iso(base - 30 * DAY), to: iso(Date.now()), limit: 2000 });
      assert.equal(res.statusCode, 200, res.body);
      return res.json().readings.length as number;
    };

    before(async () => {
      t = await createIdentityTestApp(engine);
      a = await registerAccount(t.app);
      b = await registerAccount(t.app);
    });
    after(async () => t.close());

    it('needs a signed-in user', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/sensors' });
      assert.equal(res.statusCode, 401);
    });

    it('stores a mixed batch in canonical units with LOINC codes and flags; a re-send stores nothing new', async () => {
      const batch = [
        { type: 'heart_rate', value: 72, unit: '/min', time: iso(base), source: 'watch', device: 'Watch 9' },
        { type: 'heart_rate', value: 128, unit: '{beats}/min', time: iso(base + 60_000), source: 'watch' },
        { type: 'body_temperature', value: 100.4, unit: '[degF]', time: iso(base), source: 'thermo' },
        { type: 'glucose', value: 5.5, unit: 'mmol/L', time: iso(base), source: 'meter' },
        { type: 'body_weight', value: 154, unit: '[lb_av]', time: iso(base), source: 'scale' },
        { type: 'spo2', value: 0.91, unit: '1', time: iso(base), source: 'watch' },
        { type: 'blood_pressure', value: 165, diastolic: 102, unit: 'mm[Hg]', time: iso(base), source: 'cuff' },
        { type: 'steps', value: 4200, unit: '{steps}', time: iso(base), end: iso(base + 3_600_000), source: 'phone' },
        {
          type: 'sleep',
          value: 6.5,
          unit: 'h',
          time: iso(base - 8 * 3_600_000),
          end: iso(base - 1_500_000),
          source: 'watch',
        },
        { type: 'respiratory_rate', value: 16, unit: '/min', time: iso(base), source: 'watch' },
      ];
      const res = await post(a, batch);
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json(), { inserted: 10, duplicates: 0 });
      const again = await post(a, batch);
      assert.deepEqual(again.json(), { inserted: 0, duplicates: 10 });

      const page = (await get(a, { from: iso(base - DAY), to: iso(base + DAY) })).json();
      const by = (type: string) => page.readings.filter((r: { type: string }) => r.type === type);
      assert.equal(page.readings.length, 10);
      assert.deepEqual(
        by('heart_rate').map((r: { value: number; unit: string; loinc: string; flag?: string; device?: string }) => [
          r.value,
          r.unit,
          r.loinc,
          r.flag,
          r.device,
        ]),
        [
          [72, '/min', '8867-4', undefined, 'Watch 9'],
          [128, '/min', '8867-4', 'high', undefined],
        ],
      );
      assert.deepEqual([by('body_temperature')[0].value, by('body_temperature')[0].unit], [38, 'Cel']);
      assert.equal(by('body_temperature')[0].loinc, '8310-5');
      assert.deepEqual([by('glucose')[0].value, by('glucose')[0].unit], [99.088, 'mg/dL']);
      assert.deepEqual([by('body_weight')[0].value, by('body_weight')[0].loinc], [69.853, '29463-7']);
      assert.deepEqual([by('spo2')[0].value, by('spo2')[0].flag, by('spo2')[0].loinc], [91, 'low', '59408-5']);
      const bp = by('blood_pressure')[0];
      assert.deepEqual([bp.value, bp.diastolic, bp.loinc, bp.flag], [165, 102, '85354-9', 'high']);
      assert.deepEqual(
        [by('steps')[0].end, by('sleep')[0].value, by('sleep')[0].flag],
        [iso(base + 3_600_000), 390, 'low'],
      );
    });

    it('rejects each bad reading with a 422 naming its index, and stores nothing of that batch', async () => {
      const before = await countAll(a);
      const good = (i: number) => ({
        type: 'heart_rate',
        value: 70,
        unit: '/min',
        time: iso(base + (100 + i) * 60_000),
        source: 'watch',
      });
      const cases: Array<[unknown, string]> = [
        [{ type: 'heart_rate', value: 900, unit: '/min', time: iso(base), source: 'watch' }, 'readings.2.value'],
        [{ type: 'heart_rate', value: 70, unit: 'kg', time: iso(base), source: 'watch' }, 'readings.2.unit'],
        [
          { type: 'heart_rate', value: 70, unit: '/min', time: iso(Date.now() + DAY), source: 'watch' },
          'readings.2.time',
        ],
        [
          { type: 'heart_rate', value: 70, unit: '/min', time: '1899-12-31T23:59:00Z', source: 'watch' },
          'readings.2.time',
        ],
        [
          { type: 'blood_pressure', value: 80, diastolic: 120, unit: 'mm[Hg]', time: iso(base), source: 'cuff' },
          'readings.2.diastolic',
        ],
        [
          { type: 'blood_pressure', value: 120, unit: 'mm[Hg]', time: iso(base), source: 'cuff' },
          'readings.2.diastolic',
        ],
        [{ type: 'steps', value: 10, unit: '{steps}', time: iso(base), source: 'phone' }, 'readings.2.end'],
        [{ type: 'spo2', value: 101, unit: '%', time: iso(base), source: 'watch' }, 'readings.2.value'],
        [good(0), 'readings.2.time'], // repeats reading 0 of the same batch
      ];
      for (const [bad, path] of cases) {
        const res = await post(a, [good(0), good(1), bad, good(3)]);
        assert.equal(res.statusCode, 422, `${path}: ${res.body}`);
        assert.match(String(res.headers['content-type']), /application\/problem\+json/);
        const body = res.json();
        assert.deepEqual(
          body.errors.map((e: { path: string }) => e.path),
          [path],
        );
        assert.match(body.errors[0].message, /reading 2/);
        assert.match(body.detail, /nothing was stored/);
      }
      // Schema-level errors (unknown type, a non-number, an extra field) are 400s naming the index too.
      const schema = await post(a, [good(0), { ...good(1), type: 'mood' }]);
      assert.equal(schema.statusCode, 400);
      assert.match(schema.body, /readings\.1\.type|readings\/1\/type|1.*type/);
      const operator = await post(a, [{ ...good(0), value: { $gt: 0 } }]);
      assert.equal(operator.statusCode, 400);
      assert.equal(await countAll(a), before);
    });

    it('limits a batch to 5000 readings and the body to 2 MB', async () => {
      const many = Array.from({ length: 5001 }, (_, i) => ({
        type: 'heart_rate',
        value: 70,
        unit: '/min',
        time: iso(base - DAY + i * 1000),
        source: 's',
      }));
      const res = await post(a, many);
      assert.equal(res.statusCode, 400, res.body);
      const huge = await t.app.inject({
        method: 'POST',
        url: '/api/sensors',
        headers: { ...a.auth, 'content-type': 'application/json' },
        payload: JSON.stringify({ readings: [{ ...many[0], device: 'x'.repeat(3 * 1024 * 1024) }] }),
      });
      assert.equal(huge.statusCode, 413);
      assert.equal(await post(a, []).then((r) => r.statusCode), 400);
    });

    it('pages raw readings by cursor and downsamples a day of 1/min heart rate into hourly min/mean/max', async () => {
      const day = base - 10 * DAY;
      const readings = Array.from({ length: 1440 }, (_, i) => ({
        type: 'heart_rate',
        value: 60 + (i % 60),
        unit: '/min',
        time: iso(day + i * 60_000),
        source: 'strap',
      }));
      for (let i = 0; i < readings.length; i += 500) {
        const res = await post(b, readings.slice(i, i + 500));
        assert.equal(res.statusCode, 200, res.body);
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await get(b, {
          type: 'heart_rate',
          from: iso(day),
          to: iso(day + 300 * 60_000),
          limit: 128,
          ...(cursor ? { cursor } : {}),
        });
        assert.equal(res.statusCode, 200, res.body);
        const body = res.json();
        seen.push(...body.readings.map((r: { time: string }) => r.time));
        cursor = body.nextCursor;
        pages++;
      } while (cursor);
      assert.equal(pages, 3);
      assert.equal(seen.length, 300);
      assert.equal(new Set(seen).size, 300);
      assert.deepEqual(seen.slice(0, 2), [iso(day), iso(day + 60_000)]);

      const hourly = (await get(b, { type: 'heart_rate', from: iso(day), to: iso(day + DAY), bucket: '1h' })).json();
      assert.equal(hourly.unit, '/min');
      assert.equal(hourly.buckets.length, 24);
      assert.deepEqual(hourly.buckets[3], {
        start: iso(day + 3 * 3_600_000),
        count: 60,
        min: 60,
        mean: 89.5,
        max: 119,
        flag: 'high',
      });
      const firstTen = (
        await get(b, { type: 'heart_rate', from: iso(day), to: iso(day + DAY), bucket: '1h', limit: 10 })
      ).json();
      assert.equal(firstTen.buckets.length, 10);
      const rest = (
        await get(b, {
          type: 'heart_rate',
          from: iso(day),
          to: iso(day + DAY),
          bucket: '1h',
          cursor: firstTen.nextCursor,
        })
      ).json();
      assert.deepEqual(
        [...firstTen.buckets, ...rest.buckets].map((x: { start: string }) => x.start),
        hourly.buckets.map((x: { start: string }) => x.start),
      );
      assert.equal(rest.nextCursor, null);
      assert.equal((await get(b, { bucket: '1h' })).statusCode, 400);
      assert.equal((await get(b, { cursor: 'bm90LWEtY3Vyc29y' })).statusCode, 400);
      assert.equal((await get(b, { from: iso(day + DAY), to: iso(day) })).statusCode, 400);
      // User A sees none of B's readings.
      const other = (await get(a, { type: 'heart_rate', from: iso(day), to: iso(day + DAY) })).json();
      assert.equal(other.readings.length, 0);
    });

    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- FHIR JSON, read field by field
    type Fhir = any;
    it("puts the readings into the card's FHIR bundle as vital-signs Observations of the Patient", async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/users/me/card.fhir', headers: a.auth });
      assert.equal(res.statusCode, 200, res.body);
      const bundle = JSON.parse(res.body) as { entry: Array<{ fullUrl: string; resource: Fhir }> };
      const patient = bundle.entry.find((e) => e.resource.resourceType === 'Patient')!;
      const obs = bundle.entry.filter((e) => e.resource.resourceType === 'Observation').map((e) => e.resource);
      assert.equal(obs.length, 10);
      assert.ok(obs.every((o) => o.subject.reference === patient.fullUrl && o.status === 'final'));
      const bp = obs.find((o) => o.code.coding[0].code === '85354-9')!;
      assert.deepEqual(
        bp.component.map((c: Fhir) => [
          c.code.coding[0].code,
          c.valueQuantity.value,
          c.valueQuantity.code,
          c.valueQuantity.system,
        ]),
        [
          ['8480-6', 165, 'mm[Hg]', 'http://unitsofmeasure.org'],
          ['8462-4', 102, 'mm[Hg]', 'http://unitsofmeasure.org'],
        ],
      );
      assert.equal(bp.interpretation[0].coding[0].code, 'H');
      const temp = obs.find((o) => o.code.coding[0].code === '8310-5')!;
      assert.deepEqual([temp.valueQuantity.value, temp.valueQuantity.code], [38, 'Cel']);
      const steps = obs.find((o) => o.code.coding[0].code === '55423-8')!;
      assert.ok(steps.effectivePeriod.start && steps.effectivePeriod.end);
    });

    it("lists the caller's sources, then deletes one source's readings and nothing else", async () => {
      const before = await countAll(a);
      const sources = async () =>
        (await t.app.inject({ method: 'GET', url: '/api/sensors/sources', headers: a.auth })).json().sources as Array<{
          source: string;
          count: number;
          first: string;
          last: string;
        }>;
      const listed = await sources();
      assert.equal(
        listed.reduce((n, x) => n + x.count, 0),
        before,
        'the sources account for every reading',
      );
      const watch = listed.find((x) => x.source === 'watch');
      assert.ok(watch && watch.count === 5 && watch.first <= watch.last, JSON.stringify(listed));
      assert.equal((await t.app.inject({ method: 'GET', url: '/api/sensors/sources' })).statusCode, 401);
      const res = await t.app.inject({ method: 'DELETE', url: '/api/sensors?source=watch', headers: a.auth });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().deleted, 5);
      assert.equal(await countAll(a), before - 5);
      assert.equal(
        (await sources()).find((x) => x.source === 'watch'),
        undefined,
      );
      const bad = await t.app.inject({ method: 'DELETE', url: '/api/sensors', headers: a.auth });
      assert.equal(bad.statusCode, 400);
    });
  });
}
