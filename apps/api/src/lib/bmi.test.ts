import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ageInYears,
  bmiCategory,
  bmiValue,
  computeBmi,
  heightCmFromImperial,
  MeasurementError,
  resolveMeasurements,
  weightKgFromPounds,
} from './bmi.js';

describe('BMI', () => {
  it('is kg/m² with one decimal', () => {
    assert.equal(bmiValue(170, 65), 22.5);
    assert.equal(bmiValue(180, 80), 24.7);
    assert.equal(bmiValue(160, 90), 35.2);
    assert.equal(bmiValue(200, 60), 15);
  });

  it('uses the WHO adult cut-offs at their exact boundaries', () => {
    assert.equal(bmiCategory(18.4), 'underweight');
    assert.equal(bmiCategory(18.5), 'normal');
    assert.equal(bmiCategory(24.9), 'normal');
    assert.equal(bmiCategory(25), 'overweight');
    assert.equal(bmiCategory(29.9), 'overweight');
    assert.equal(bmiCategory(30), 'obese');
    assert.equal(bmiCategory(45), 'obese');
  });

  it('takes the category from the rounded value, so number and label agree', () => {
    // 72.1 kg at 170 cm is 24.948…, shown as 24.9 (normal); 72.2 kg is 24.98…, shown as 25.0.
    assert.deepEqual(computeBmi({ heightCm: 170, weightKg: 72.1 }), { value: 24.9, category: 'normal' });
    assert.deepEqual(computeBmi({ heightCm: 170, weightKg: 72.2 }), { value: 25, category: 'overweight' });
  });

  it('is null until both height and weight are known', () => {
    assert.equal(computeBmi({ heightCm: 170, weightKg: null }), null);
    assert.equal(computeBmi({ heightCm: undefined, weightKg: 70 }), null);
  });

  it('gives no adult category under 18', () => {
    const now = new Date('2025-06-15T12:00:00Z');
    assert.deepEqual(computeBmi({ heightCm: 140, weightKg: 32, dateOfBirth: '2015-01-01', now }), {
      value: 16.3,
      category: null,
    });
    assert.equal(
      computeBmi({ heightCm: 170, weightKg: 65, dateOfBirth: '2007-06-15', now })?.category,
      'normal',
      '18 today',
    );
    assert.equal(
      computeBmi({ heightCm: 170, weightKg: 65, dateOfBirth: '2007-06-16', now })?.category,
      null,
      '18 tomorrow',
    );
    assert.equal(ageInYears('2000-02-29', new Date('2025-02-28T00:00:00Z')), 24);
  });

  it('refuses implausible pairs', () => {
    assert.throws(() => computeBmi({ heightCm: 50, weightKg: 600 }), MeasurementError);
    assert.throws(() => computeBmi({ heightCm: 275, weightKg: 1 }), MeasurementError);
    assert.doesNotThrow(() => computeBmi({ heightCm: 50, weightKg: 3.5 }), 'a newborn');
  });
});

describe('imperial input', () => {
  it('converts feet and inches and pounds exactly, then rounds to 0.1', () => {
    assert.equal(heightCmFromImperial({ heightFt: 5, heightIn: 10 }), 177.8);
    assert.equal(heightCmFromImperial({ heightIn: 70 }), 177.8);
    assert.equal(heightCmFromImperial({ heightFt: 6 }), 182.9);
    assert.equal(heightCmFromImperial({ heightFt: 5, heightIn: 5.5 }), 166.4);
    assert.equal(weightKgFromPounds(154), 69.9);
    assert.equal(weightKgFromPounds(220), 99.8);
    assert.equal(weightKgFromPounds(1), 0.5);
  });

  it('resolves metric or imperial, null clears, undefined leaves alone', () => {
    assert.deepEqual(resolveMeasurements({ heightFt: 5, heightIn: 10, weightLb: 154 }), {
      heightCm: 177.8,
      weightKg: 69.9,
    });
    assert.deepEqual(resolveMeasurements({ heightCm: 170.04, weightKg: null }), { heightCm: 170, weightKg: null });
    assert.deepEqual(resolveMeasurements({}), {});
    // 5 ft 10 in and 154 lb give the same BMI as the metric values they convert to.
    const m = resolveMeasurements({ heightFt: 5, heightIn: 10, weightLb: 154 });
    assert.deepEqual(computeBmi({ heightCm: m.heightCm, weightKg: m.weightKg }), { value: 22.1, category: 'normal' });
  });

  it('holds converted values to the metric bounds', () => {
    assert.throws(() => resolveMeasurements({ heightFt: 9, heightIn: 11 }), MeasurementError);
    assert.throws(() => resolveMeasurements({ heightIn: 5 }), MeasurementError);
    assert.throws(() => resolveMeasurements({ weightLb: 1 }), MeasurementError);
  });
});
