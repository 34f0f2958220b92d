/**
 * The web app shows a live BMI while the user types (apps/web/src/features/medical-card/lib/bmi.ts);
 * the server stores its own (apps/api/src/lib/bmi.ts), which is authoritative. They must agree:
 * same imperial conversions, same rounding, same WHO category, same "not plausible" cases. This
 * runs both on a grid of metric and imperial inputs.
 *
 * Run: node --conditions=development --import tsx --test e2e/bmi-parity.test.ts
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as server from '../apps/api/src/lib/bmi.js';
import * as web from '../apps/web/src/features/medical-card/lib/bmi.js';

function serverBmi(heightCm: number, weightKg: number, dateOfBirth: string | null, now: Date) {
  try {
    return { kind: 'ok' as const, bmi: server.computeBmi({ heightCm, weightKg, dateOfBirth, now }) };
  } catch (err) {
    if (err instanceof server.MeasurementError) return { kind: 'implausible' as const };
    throw err;
  }
}

function webBmi(heightCm: number, weightKg: number, dateOfBirth: string | null, now: Date) {
  const r = web.computeBmi({ heightCm, weightKg, dateOfBirth, now });
  return r.kind === 'ok' ? { kind: 'ok' as const, bmi: r.bmi } : { kind: r.kind };
}

const NOW = new Date('2026-06-15T12:00:00Z');

test('metric: the same BMI, category and refusals on a grid of heights and weights', () => {
  let compared = 0;
  for (let h = 30; h <= 275; h += 1.7) {
    for (let w = 1; w <= 650; w += 2.3) {
      const heightCm = Math.round(h * 10) / 10;
      const weightKg = Math.round(w * 10) / 10;
      for (const dob of [null, '1990-01-01', '2015-07-01']) {
        assert.deepEqual(
          webBmi(heightCm, weightKg, dob, NOW),
          serverBmi(heightCm, weightKg, dob, NOW),
          `${heightCm} cm, ${weightKg} kg, ${dob}`,
        );
        compared++;
      }
    }
  }
  assert.ok(compared > 100_000);
});

test('imperial: the same conversions (ft + in, total in, lb) and so the same BMI', () => {
  for (let ft = 1; ft <= 8; ft++) {
    for (let inch = 0; inch < 12; inch += 0.5) {
      const h = web.heightCmFromImperial({ heightFt: ft, heightIn: inch });
      assert.equal(h, server.heightCmFromImperial({ heightFt: ft, heightIn: inch }), `${ft} ft ${inch} in`);
      assert.equal(
        web.heightCmFromImperial({ heightIn: ft * 12 + inch }),
        server.heightCmFromImperial({ heightIn: ft * 12 + inch }),
      );
      for (let lb = 2; lb <= 1430; lb += 7.9) {
        const w = web.weightKgFromPounds(lb);
        assert.equal(w, server.weightKgFromPounds(lb), `${lb} lb`);
        assert.deepEqual(webBmi(h, w, null, NOW), serverBmi(h, w, null, NOW));
      }
    }
  }
});

test('edges: the category follows the rounded value, and birthdays on the day', () => {
  // 24.96 shows as 25.0, so it is "overweight" on both sides.
  assert.deepEqual(webBmi(200, 99.85, null, NOW), serverBmi(200, 99.85, null, NOW));
  for (const dob of ['2008-06-15', '2008-06-16', '2008-06-14']) {
    assert.equal(web.ageInYears(dob, NOW), server.ageInYears(dob, NOW), dob);
    assert.deepEqual(webBmi(170, 70, dob, NOW), serverBmi(170, 70, dob, NOW), dob);
  }
});
