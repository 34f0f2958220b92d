import { BLOOD_TYPES, HEIGHT_CM, WEIGHT_KG, type Card } from '@medichat/shared';
import { SelectField, TextField } from '@/components/ui/form';
import {
  cmToFeetInches,
  effectiveMeasurements,
  kgToPounds,
  liveBmi,
  type CardDraft,
  type Units,
} from '../lib/card-form';
import { BmiReadout } from './bmi-readout';

interface MeasurementsFieldsProps {
  draft: CardDraft;
  card: Card;
  onChange: (update: Partial<CardDraft>) => void;
  error: (key: string) => string | undefined;
}

/**
 * Switching units converts what is typed, so nothing is lost; only the target unit's fields are
 * written, and a measure typed in the target unit before keeps its typed text. The server stores
 * metric.
 */
function convert(draft: CardDraft, card: Card, units: Units): Partial<CardDraft> {
  if (units === draft.units) return {};
  const { heightCm, weightKg } = effectiveMeasurements(draft, card);
  const next: Partial<CardDraft> = { units };
  if (draft.heightTypedIn !== units && heightCm !== null && !Number.isNaN(heightCm)) {
    if (units === 'metric') next.heightCm = String(heightCm);
    else {
      const fi = cmToFeetInches(heightCm);
      next.heightFt = fi.ft;
      next.heightIn = fi.in;
    }
  }
  if (draft.weightTypedIn !== units && weightKg !== null && !Number.isNaN(weightKg)) {
    if (units === 'metric') next.weightKg = String(weightKg);
    else next.weightLb = kgToPounds(weightKg);
  }
  return next;
}

export function MeasurementsFields({ draft, card, onChange, error }: MeasurementsFieldsProps) {
  const metric = draft.units === 'metric';
  const dirty = draft.heightTouched || draft.weightTouched;
  return (
    <div className="space-y-5">
      <SelectField
        id="card-bloodType"
        label="Blood type"
        value={draft.bloodType}
        onValueChange={(bloodType) => onChange({ bloodType })}
        options={[{ value: '', label: 'Not known' }, ...BLOOD_TYPES.map((t) => ({ value: t, label: t }))]}
        error={error('bloodType')}
        fieldClassName="max-w-xs"
      />
      <fieldset>
        <legend className="text-sm font-semibold">Units</legend>
        <div className="mt-2 inline-flex rounded-lg border border-slate-400 p-1 dark:border-slate-500">
          {(
            [
              ['metric', 'Metric (cm, kg)'],
              ['imperial', 'Imperial (ft, in, lb)'],
            ] as const
          ).map(([value, label]) => (
            <label
              key={value}
              className="flex min-h-11 cursor-pointer items-center gap-2 rounded-md px-3 text-sm font-medium has-[:checked]:bg-teal-700 has-[:checked]:text-white has-[:focus-visible]:outline-3 has-[:focus-visible]:outline-teal-700 dark:has-[:checked]:bg-teal-300 dark:has-[:checked]:text-slate-950"
            >
              <input
                type="radio"
                name="card-units"
                value={value}
                checked={draft.units === value}
                onChange={() => onChange(convert(draft, card, value))}
                className="sr-only"
              />
              {label}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="grid gap-4 sm:grid-cols-2">
        {metric ? (
          <TextField
            id="card-heightCm"
            label="Height"
            inputMode="decimal"
            autoComplete="off"
            value={draft.heightCm}
            onValueChange={(heightCm) => onChange({ heightCm, heightTouched: true, heightTypedIn: 'metric' })}
            error={error('heightCm')}
            hint={`In centimetres, ${HEIGHT_CM.min}–${HEIGHT_CM.max}.`}
            inputSuffix="cm"
          />
        ) : (
          <fieldset className="grid grid-cols-2 gap-3">
            <legend className="sr-only">Height</legend>
            <TextField
              id="card-heightFt"
              label="Height, feet"
              inputMode="numeric"
              autoComplete="off"
              value={draft.heightFt}
              onValueChange={(heightFt) => onChange({ heightFt, heightTouched: true, heightTypedIn: 'imperial' })}
              error={error('heightFt') ?? error('heightCm')}
              inputSuffix="ft"
            />
            <TextField
              id="card-heightIn"
              label="and inches"
              inputMode="decimal"
              autoComplete="off"
              value={draft.heightIn}
              onValueChange={(heightIn) => onChange({ heightIn, heightTouched: true, heightTypedIn: 'imperial' })}
              error={error('heightIn')}
              inputSuffix="in"
            />
          </fieldset>
        )}
        {metric ? (
          <TextField
            id="card-weightKg"
            label="Weight"
            inputMode="decimal"
            autoComplete="off"
            value={draft.weightKg}
            onValueChange={(weightKg) => onChange({ weightKg, weightTouched: true, weightTypedIn: 'metric' })}
            error={error('weightKg')}
            hint={`In kilograms, ${WEIGHT_KG.min}–${WEIGHT_KG.max}.`}
            inputSuffix="kg"
          />
        ) : (
          <TextField
            id="card-weightLb"
            label="Weight"
            inputMode="decimal"
            autoComplete="off"
            value={draft.weightLb}
            onValueChange={(weightLb) => onChange({ weightLb, weightTouched: true, weightTypedIn: 'imperial' })}
            error={error('weightLb') ?? error('weightKg')}
            inputSuffix="lb"
          />
        )}
      </div>
      <BmiReadout live={liveBmi(draft, card)} saved={card.bmi} dirty={dirty} />
    </div>
  );
}
