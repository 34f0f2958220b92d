import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { EMERGENCY_FIELDS, SEVERITIES, SEXES, type Card, type EmergencyField, type User } from '@medichat/shared';
import { Button } from '@/components/ui/button';
import { CheckboxField, FormAlert, SelectField, TextAreaField, TextField } from '@/components/ui/form';
import {
  describeError,
  fieldErrorsFromApi,
  fieldErrorsFromZod,
  useFocusFirstError,
  sentence,
  type FieldErrors,
} from '@/lib/form';
import { cn } from '@/lib/cn';
import { profilePatchSchema, useUpdateProfile } from '../api/update-profile';
import {
  cardToDraft,
  draftToPatch,
  effectiveMeasurements,
  numberProblems,
  rowKey,
  type CardDraft,
} from '../lib/card-form';
import { EMERGENCY_FIELD_LABELS, SEVERITY_LABELS, SEX_LABELS } from '../lib/labels';
import { ListEditor } from './list-editor';
import { MeasurementsFields } from './measurements-fields';

const today = () => new Date().toISOString().slice(0, 10);

/** Rows the user added but left empty are not sent; dropped before validating so indexes match. */
function dropBlankRows(draft: CardDraft): CardDraft {
  const filled = <T extends { key: string }>(rows: T[]) =>
    rows.filter((row) => Object.entries(row).some(([k, v]) => k !== 'key' && typeof v === 'string' && v.trim()));
  return {
    ...draft,
    allergies: filled(draft.allergies),
    conditions: filled(draft.conditions),
    medications: filled(draft.medications),
    immunizations: filled(draft.immunizations),
    emergencyContacts: filled(draft.emergencyContacts),
  };
}

/** In imperial mode the server's measurement errors (on heightCm/weightKg) belong to the ft/lb fields. */
function placeErrors(errors: FieldErrors, draft: CardDraft): FieldErrors {
  if (draft.units !== 'imperial') return errors;
  const out = { ...errors };
  if (out.heightCm && !out.heightFt) out.heightFt = out.heightCm;
  if (out.weightKg && !out.weightLb) out.weightLb = out.weightKg;
  delete out.heightCm;
  delete out.weightKg;
  return out;
}

function Section({
  id,
  title,
  description,
  children,
}: {
  id: string;
  title: string;
  description?: string;
  children: ReactNode;
}) {
  return (
    <section
      aria-labelledby={`${id}-title`}
      className="rounded-2xl border border-slate-200 bg-white p-5 shadow-sm sm:p-6 dark:border-slate-800 dark:bg-slate-900"
    >
      <h2 id={`${id}-title`} className="text-xl font-bold">
        {title}
      </h2>
      {description ? <p className="mt-1 text-slate-700 dark:text-slate-300">{description}</p> : null}
      <div className="mt-5">{children}</div>
    </section>
  );
}

/**
 * The medical card editor: every field of the card, validated with the shared `profilePatchSchema`
 * before sending, server problems shown under their fields, focus on the first one in error.
 */
export function CardEditor({ user, card }: { user: User; card: Card }) {
  const { ref: formRef, focusFirstError } = useFocusFirstError();
  const [draft, setDraft] = useState<CardDraft>(() => cardToDraft(card, user));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [savedAt, setSavedAt] = useState<Date | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const mutation = useUpdateProfile();

  // The saved card changed (our save, or a refetch): start again from it, keeping the chosen units.
  const lastSynced = useRef(card.updatedAt);
  useEffect(() => {
    if (card.updatedAt === lastSynced.current) return;
    lastSynced.current = card.updatedAt;
    if (!mutation.isPending) setDraft((d) => cardToDraft(card, user, d.units));
  }, [card, user, mutation.isPending]);

  const update = (partial: Partial<CardDraft>) => {
    setNotice(null);
    setDraft((d) => ({ ...d, ...partial }));
  };
  const err = (key: string) => (errors[key] ? sentence(errors[key]) : undefined);

  const dirty = Object.keys(draftToPatch(draft, card, user)).length > 0;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setFormError(null);
    setNotice(null);
    const cleaned = dropBlankRows(draft);
    setDraft(cleaned);
    const numbers = numberProblems(cleaned);
    if (Object.keys(numbers).length) {
      setErrors(numbers);
      focusFirstError();
      return;
    }
    const raw = draftToPatch(cleaned, card, user);
    if (Object.keys(raw).length === 0) {
      setErrors({});
      setNotice('Nothing has changed since the last save.');
      return;
    }
    const parsed = profilePatchSchema.safeParse(raw);
    if (!parsed.success) {
      setErrors(placeErrors(fieldErrorsFromZod(parsed.error), cleaned));
      setFormError('Some fields need attention before the card can be saved.');
      focusFirstError();
      return;
    }
    setErrors({});
    mutation.mutate(
      { patch: parsed.data, measured: effectiveMeasurements(cleaned, card) },
      {
        onSuccess: (profile) => {
          lastSynced.current = profile.card.updatedAt;
          setDraft(cardToDraft(profile.card, profile.user, cleaned.units));
          setSavedAt(new Date());
        },
        onError: (error) => {
          const fields = placeErrors(fieldErrorsFromApi(error), cleaned);
          setErrors(fields);
          setFormError(
            Object.keys(fields).length
              ? 'The card was not saved: some fields need attention.'
              : `The card was not saved. ${describeError(error)}`,
          );
          focusFirstError();
        },
      },
    );
  };

  const listField = (
    list: 'allergies' | 'conditions' | 'medications' | 'immunizations' | 'emergencyContacts',
    index: number,
    field: string,
  ) => ({
    id: `card-${list}-${index}-${field}`,
    error: err(`${list}.${index}.${field}`),
  });

  function setRow<K extends 'allergies' | 'conditions' | 'medications' | 'immunizations' | 'emergencyContacts'>(
    list: K,
    index: number,
    change: Partial<CardDraft[K][number]>,
  ) {
    setNotice(null);
    setDraft((d) => ({
      ...d,
      [list]: (d[list] as Array<CardDraft[K][number]>).map((row, i) => (i === index ? { ...row, ...change } : row)),
    }));
  }
  function removeRow(
    list: 'allergies' | 'conditions' | 'medications' | 'immunizations' | 'emergencyContacts',
    index: number,
  ) {
    setDraft((d) => ({ ...d, [list]: (d[list] as unknown[]).filter((_, i) => i !== index) }));
    setErrors({});
  }

  const toggleEmergencyField = (field: EmergencyField, on: boolean) =>
    update({
      emergencyFields: on ? [...draft.emergencyFields, field] : draft.emergencyFields.filter((f) => f !== field),
    });

  return (
    <form ref={formRef} noValidate onSubmit={onSubmit} aria-label="Medical card" className="space-y-6">
      <FormAlert>{formError}</FormAlert>

      <Section id="card-about" title="About you">
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField
            id="card-displayName"
            label="Display name"
            hint="How Medichat greets you."
            autoComplete="nickname"
            value={draft.displayName}
            onValueChange={(displayName) => update({ displayName })}
            error={err('displayName')}
            maxLength={100}
          />
          <TextField
            id="card-name"
            label="Full name"
            hint="As on your ID, for doctors and responders."
            autoComplete="name"
            value={draft.name}
            onValueChange={(name) => update({ name })}
            error={err('name')}
            maxLength={200}
          />
          <TextField
            id="card-dateOfBirth"
            label="Date of birth"
            type="date"
            autoComplete="bday"
            min="1900-01-01"
            max={today()}
            value={draft.dateOfBirth}
            onValueChange={(dateOfBirth) => update({ dateOfBirth })}
            error={err('dateOfBirth')}
          />
          <SelectField
            id="card-sex"
            label="Sex"
            value={draft.sex}
            onValueChange={(sex) => update({ sex })}
            options={[
              { value: '', label: 'Not stated' },
              ...SEXES.map((s) => ({ value: s, label: SEX_LABELS[s] ?? s })),
            ]}
            error={err('sex')}
          />
          <TextField
            id="card-language"
            label="Preferred language"
            hint="A language code, such as en, fr or es-MX."
            autoComplete="off"
            autoCapitalize="off"
            spellCheck={false}
            value={draft.language}
            onValueChange={(language) => update({ language })}
            error={err('language')}
            maxLength={35}
          />
        </div>
      </Section>

      <Section id="card-body" title="Measurements" description="Your BMI is worked out as you type.">
        <MeasurementsFields draft={draft} card={card} onChange={update} error={err} />
      </Section>

      <Section
        id="card-allergies"
        title="Allergies"
        description="Each substance, the reaction it causes and how severe."
      >
        <ListEditor
          itemName="allergy"
          addLabel="Add an allergy"
          items={draft.allergies}
          max={100}
          emptyText="No allergies recorded."
          onAdd={() =>
            update({ allergies: [...draft.allergies, { key: rowKey(), substance: '', reaction: '', severity: '' }] })
          }
          onRemove={(i) => removeRow('allergies', i)}
          error={err('allergies')}
          renderItem={(a, i) => (
            <>
              <TextField
                {...listField('allergies', i, 'substance')}
                label="Substance"
                value={a.substance}
                onValueChange={(substance) => setRow('allergies', i, { substance })}
                maxLength={200}
              />
              <SelectField
                {...listField('allergies', i, 'severity')}
                label="Severity"
                value={a.severity}
                onValueChange={(severity) => setRow('allergies', i, { severity })}
                options={[
                  { value: '', label: 'Not stated' },
                  ...SEVERITIES.map((s) => ({ value: s, label: SEVERITY_LABELS[s] ?? s })),
                ]}
              />
              <TextField
                {...listField('allergies', i, 'reaction')}
                label="Reaction"
                optional
                fieldClassName="sm:col-span-2"
                value={a.reaction}
                onValueChange={(reaction) => setRow('allergies', i, { reaction })}
                maxLength={500}
              />
            </>
          )}
        />
      </Section>

      <Section id="card-conditions" title="Conditions" description="Long-term and current conditions.">
        <ListEditor
          itemName="condition"
          addLabel="Add a condition"
          items={draft.conditions}
          max={100}
          emptyText="No conditions recorded."
          onAdd={() => update({ conditions: [...draft.conditions, { key: rowKey(), name: '', since: '', notes: '' }] })}
          onRemove={(i) => removeRow('conditions', i)}
          error={err('conditions')}
          renderItem={(c, i) => (
            <>
              <TextField
                {...listField('conditions', i, 'name')}
                label="Condition"
                value={c.name}
                onValueChange={(name) => setRow('conditions', i, { name })}
                maxLength={200}
              />
              <TextField
                {...listField('conditions', i, 'since')}
                label="Since"
                optional
                type="date"
                min="1900-01-01"
                max={today()}
                value={c.since}
                onValueChange={(since) => setRow('conditions', i, { since })}
              />
              <TextField
                {...listField('conditions', i, 'notes')}
                label="Notes"
                optional
                fieldClassName="sm:col-span-2"
                value={c.notes}
                onValueChange={(notes) => setRow('conditions', i, { notes })}
                maxLength={1000}
              />
            </>
          )}
        />
      </Section>

      <Section id="card-medications" title="Medications" description="What you take, how much and when.">
        <ListEditor
          itemName="medication"
          addLabel="Add a medication"
          items={draft.medications}
          max={100}
          emptyText="No medications recorded."
          onAdd={() =>
            update({ medications: [...draft.medications, { key: rowKey(), name: '', dose: '', schedule: '' }] })
          }
          onRemove={(i) => removeRow('medications', i)}
          error={err('medications')}
          renderItem={(m, i) => (
            <>
              <TextField
                {...listField('medications', i, 'name')}
                label="Medication"
                fieldClassName="sm:col-span-2"
                value={m.name}
                onValueChange={(name) => setRow('medications', i, { name })}
                maxLength={200}
              />
              <TextField
                {...listField('medications', i, 'dose')}
                label="Dose"
                optional
                hint="For example 500 mg."
                value={m.dose}
                onValueChange={(dose) => setRow('medications', i, { dose })}
                maxLength={100}
              />
              <TextField
                {...listField('medications', i, 'schedule')}
                label="Schedule"
                optional
                hint="For example twice a day."
                value={m.schedule}
                onValueChange={(schedule) => setRow('medications', i, { schedule })}
                maxLength={200}
              />
            </>
          )}
        />
      </Section>

      <Section id="card-immunizations" title="Immunizations">
        <ListEditor
          itemName="immunization"
          addLabel="Add an immunization"
          items={draft.immunizations}
          max={100}
          emptyText="No immunizations recorded."
          onAdd={() => update({ immunizations: [...draft.immunizations, { key: rowKey(), vaccine: '', date: '' }] })}
          onRemove={(i) => removeRow('immunizations', i)}
          error={err('immunizations')}
          renderItem={(im, i) => (
            <>
              <TextField
                {...listField('immunizations', i, 'vaccine')}
                label="Vaccine"
                value={im.vaccine}
                onValueChange={(vaccine) => setRow('immunizations', i, { vaccine })}
                maxLength={200}
              />
              <TextField
                {...listField('immunizations', i, 'date')}
                label="Date"
                optional
                type="date"
                min="1900-01-01"
                max={today()}
                value={im.date}
                onValueChange={(date) => setRow('immunizations', i, { date })}
              />
            </>
          )}
        />
      </Section>

      <Section
        id="card-contacts"
        title="Emergency contacts"
        description="Who to call if something happens to you (up to 10)."
      >
        <ListEditor
          itemName="contact"
          addLabel="Add a contact"
          items={draft.emergencyContacts}
          max={10}
          emptyText="No emergency contacts yet."
          onAdd={() =>
            update({
              emergencyContacts: [
                ...draft.emergencyContacts,
                { key: rowKey(), name: '', relationship: '', phone: '', email: '' },
              ],
            })
          }
          onRemove={(i) => removeRow('emergencyContacts', i)}
          error={err('emergencyContacts')}
          renderItem={(c, i) => (
            <>
              <TextField
                {...listField('emergencyContacts', i, 'name')}
                label="Name"
                value={c.name}
                onValueChange={(name) => setRow('emergencyContacts', i, { name })}
                maxLength={200}
              />
              <TextField
                {...listField('emergencyContacts', i, 'relationship')}
                label="Relationship"
                optional
                value={c.relationship}
                onValueChange={(relationship) => setRow('emergencyContacts', i, { relationship })}
                maxLength={100}
              />
              <TextField
                {...listField('emergencyContacts', i, 'phone')}
                label="Phone"
                type="tel"
                hint="With the country code, such as +44 20 7946 0000."
                value={c.phone}
                onValueChange={(phone) => setRow('emergencyContacts', i, { phone })}
                maxLength={30}
              />
              <TextField
                {...listField('emergencyContacts', i, 'email')}
                label="Email"
                optional
                hint="If they may be hard to reach by phone."
                type="email"
                value={c.email}
                onValueChange={(email) => setRow('emergencyContacts', i, { email })}
                maxLength={254}
              />
            </>
          )}
        />
      </Section>

      <Section id="card-care" title="Care and wishes">
        <div className="space-y-6">
          <fieldset>
            <legend className="text-sm font-semibold">Organ donor</legend>
            <div className="mt-2 flex flex-wrap gap-x-6 gap-y-2">
              {(
                [
                  ['yes', 'Yes, I am a donor'],
                  ['no', 'No'],
                  ['', 'Not stated'],
                ] as const
              ).map(([value, label]) => (
                <label key={value || 'unset'} className="flex min-h-11 items-center gap-2 text-sm font-medium">
                  <input
                    type="radio"
                    name="card-organDonor"
                    value={value}
                    checked={draft.organDonor === value}
                    onChange={() => update({ organDonor: value })}
                    className="size-5 accent-teal-700 dark:accent-teal-400"
                  />
                  {label}
                </label>
              ))}
            </div>
          </fieldset>
          <fieldset className="rounded-xl border border-slate-300 p-4 dark:border-slate-700">
            <legend className="px-1 text-sm font-semibold">Primary physician</legend>
            <div className="grid gap-4 sm:grid-cols-2">
              <TextField
                id="card-primaryPhysician-name"
                label="Name"
                value={draft.physician.name}
                onValueChange={(name) => update({ physician: { ...draft.physician, name } })}
                error={err('primaryPhysician.name')}
                maxLength={200}
              />
              <TextField
                id="card-primaryPhysician-organization"
                label="Practice or hospital"
                optional
                value={draft.physician.organization}
                onValueChange={(organization) => update({ physician: { ...draft.physician, organization } })}
                error={err('primaryPhysician.organization')}
                maxLength={200}
              />
              <TextField
                id="card-primaryPhysician-phone"
                label="Phone"
                optional
                type="tel"
                value={draft.physician.phone}
                onValueChange={(phone) => update({ physician: { ...draft.physician, phone } })}
                error={err('primaryPhysician.phone')}
                maxLength={30}
              />
              <TextField
                id="card-primaryPhysician-email"
                label="Email"
                optional
                type="email"
                value={draft.physician.email}
                onValueChange={(email) => update({ physician: { ...draft.physician, email } })}
                error={err('primaryPhysician.email')}
                maxLength={254}
              />
            </div>
          </fieldset>
          <TextAreaField
            id="card-notes"
            label="Notes for doctors and responders"
            optional
            hint="Anything else that matters: implants, pregnancy, advance directives… Up to 2000 characters."
            value={draft.notes}
            onValueChange={(notes) => update({ notes })}
            error={err('notes')}
            maxLength={2000}
          />
        </div>
      </Section>

      <Section
        id="card-sharing"
        title="Sharing"
        description="You decide what anyone who scans your QR code sees, and whether the assistant may read your card."
      >
        <fieldset aria-describedby="card-emergencyFields-hint">
          <legend className="text-sm font-semibold">Shown on the emergency view</legend>
          <p id="card-emergencyFields-hint" className="mt-1 text-sm text-slate-600 dark:text-slate-400">
            Whoever scans your card sees only these, without signing in. Every view is recorded for you below.
          </p>
          <div className="mt-3 grid gap-2 sm:grid-cols-2 lg:grid-cols-4">
            {EMERGENCY_FIELDS.map((field) => (
              <CheckboxField
                key={field}
                id={`card-emergency-${field}`}
                label={EMERGENCY_FIELD_LABELS[field] ?? field}
                checked={draft.emergencyFields.includes(field)}
                onCheckedChange={(on) => toggleEmergencyField(field, on)}
              />
            ))}
          </div>
          {err('emergencyFields') ? (
            <p className="mt-2 text-sm font-medium text-red-800 dark:text-red-300">{err('emergencyFields')}</p>
          ) : null}
        </fieldset>
        <CheckboxField
          id="card-shareCardWithAssistant"
          className="mt-6"
          label="Let the assistant use my card when it answers"
          hint="Allergies, medications, conditions, age and BMI help it give safer answers. You can turn this off at any time."
          checked={draft.shareCardWithAssistant}
          onCheckedChange={(shareCardWithAssistant) => update({ shareCardWithAssistant })}
        />
      </Section>

      <div
        className={cn(
          'sticky bottom-0 z-10 -mx-4 flex flex-wrap items-center gap-4 border-t border-slate-200 bg-white/95 px-4 py-3 backdrop-blur sm:mx-0 sm:rounded-2xl sm:border dark:border-slate-800 dark:bg-slate-900/95',
        )}
      >
        <Button type="submit" size="lg" disabled={mutation.isPending}>
          {mutation.isPending ? 'Saving…' : 'Save card'}
        </Button>
        <p role="status" className="text-sm text-slate-700 dark:text-slate-300" data-testid="card-save-status">
          {mutation.isPending
            ? 'Saving your card…'
            : notice
              ? notice
              : dirty
                ? 'You have unsaved changes.'
                : savedAt
                  ? `Saved at ${savedAt.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}.`
                  : 'All changes saved.'}
        </p>
      </div>
    </form>
  );
}
