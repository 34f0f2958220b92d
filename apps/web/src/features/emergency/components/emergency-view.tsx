import type { ReactNode } from 'react';
import type { EmergencyView as EmergencyViewData } from '@medichat/shared';
import { Button } from '@/components/ui/button';
import { AlertIcon, PhoneIcon, ShieldIcon } from '@/components/ui/icons';
import { ApiError } from '@/lib/api-client';
import { BMI_CATEGORY_LABELS, SEVERITY_LABELS, SEX_LABELS } from '@/lib/card-labels';
import { cn } from '@/lib/cn';
import { isQrToken } from '@/lib/qr-token';
import { useEmergencyView } from '../api/get-emergency-view';
import { ResponderNotice } from './responder-notice';

type Shown = EmergencyViewData['card'];

const telHref = (phone: string) => `tel:${phone.replace(/[^0-9+]/g, '')}`;

function ageFrom(dateOfBirth: string): number | null {
  const [y, m, d] = dateOfBirth.split('-').map(Number);
  if (!y || !m || !d) return null;
  const now = new Date();
  let age = now.getFullYear() - y;
  if (now.getMonth() + 1 < m || (now.getMonth() + 1 === m && now.getDate() < d)) age--;
  return age;
}

function Block({
  title,
  tone = 'default',
  children,
  testId,
}: {
  title: string;
  tone?: 'default' | 'alert';
  children: ReactNode;
  testId?: string;
}) {
  const id = `emergency-${title.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <section
      aria-labelledby={id}
      data-testid={testId}
      className={cn(
        'rounded-2xl border px-4 py-3 sm:p-6',
        tone === 'alert'
          ? 'border-red-300 bg-red-50 text-red-950 dark:border-red-800 dark:bg-red-950/50 dark:text-red-50'
          : 'border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900',
      )}
    >
      <h2 id={id} className="flex items-center gap-2 text-lg font-bold sm:text-2xl">
        {tone === 'alert' ? <AlertIcon className="size-6" /> : null}
        {title}
      </h2>
      <div className="mt-2 text-lg leading-relaxed sm:mt-3 sm:text-xl">{children}</div>
    </section>
  );
}

const None = ({ children = 'None recorded' }: { children?: ReactNode }) => (
  <p className="text-slate-700 dark:text-slate-300">{children}</p>
);

function CallLink({ phone, label }: { phone: string; label: string }) {
  return (
    <a
      href={telHref(phone)}
      className="inline-flex min-h-12 items-center gap-2 rounded-xl bg-teal-700 px-5 font-semibold text-white no-underline hover:bg-teal-800 dark:bg-teal-300 dark:text-slate-950 dark:hover:bg-teal-200"
    >
      <PhoneIcon />
      {label}
    </a>
  );
}

/**
 * Implanted devices named in the notes (a pacemaker changes what a responder may do: no
 * defibrillator pads over it, no MRI). The notes stay in full at the end; these lines come first.
 */
const DEVICE_PATTERN =
  /\b(pacemaker|defibrillator|icd|crt-?d?|insulin pump|pump|implant(?:ed|able)?|stent|shunt|cochlear|valve|port-a-cath|neurostimulator|lvad)\b/i;

export function implantedDevices(notes: string | null | undefined): string[] {
  if (!notes) return [];
  return notes
    .split(/(?<=[.!?])\s+|\n+/)
    .map((line) => line.trim())
    .filter((line) => line && DEVICE_PATTERN.test(line));
}

/** "anticoagulant (\"blood thinner\")" → "anticoagulant": the badge stays on one line. */
const shortReason = (reason: string) => reason.replace(/\s*\(.*\)\s*$/, '');

type HighRisk = NonNullable<EmergencyViewData['highRiskMedications']>;

/**
 * The card holder's shared information, large and plain, life-critical first: allergies with
 * severity, high-risk medicines flagged, implanted devices, conditions; then the rest.
 */
function Details({ card, highRisk = [] }: { card: Shown; highRisk?: HighRisk }) {
  const identity: string[] = [];
  if (card.dateOfBirth) {
    const age = ageFrom(card.dateOfBirth);
    identity.push(age !== null ? `Born ${card.dateOfBirth} (age ${age})` : `Born ${card.dateOfBirth}`);
  }
  if (card.sex) identity.push(SEX_LABELS[card.sex] ?? card.sex);
  if (card.language) identity.push(`Speaks: ${card.language}`);
  const hasBody = 'heightCm' in card || 'weightKg' in card || 'bmi' in card;
  const risk = new Map(highRisk.map((h) => [h.medication, h.reasons]));
  const medications = card.medications
    ? [...card.medications].sort((a, b) => Number(risk.has(b.name)) - Number(risk.has(a.name)))
    : null;
  const devices = 'notes' in card ? implantedDevices(card.notes) : [];

  return (
    <div className="space-y-2 sm:space-y-6" data-testid="emergency-details">
      {'name' in card || identity.length || 'bloodType' in card ? (
        <div className="flex items-start justify-between gap-3">
          <div className="min-w-0 flex-1">
            {'name' in card ? (
              <p className="text-2xl font-bold sm:text-4xl" data-testid="emergency-name">
                {card.name ?? 'Name not given'}
              </p>
            ) : null}
            {identity.length ? (
              <p className="mt-1 text-base text-slate-700 sm:text-xl dark:text-slate-300">{identity.join(' · ')}</p>
            ) : null}
          </div>
          {'bloodType' in card ? (
            <div
              className="shrink-0 rounded-xl border border-slate-200 bg-white px-3 py-1.5 text-center dark:border-slate-800 dark:bg-slate-900"
              data-testid="emergency-bloodType"
            >
              <p className="text-sm font-semibold text-slate-700 dark:text-slate-300">Blood type</p>
              <p className="text-[2.5rem] leading-tight font-black sm:text-5xl">{card.bloodType ?? 'Unknown'}</p>
            </div>
          ) : null}
        </div>
      ) : null}

      {card.allergies ? (
        <Block title="Allergies" tone={card.allergies.length ? 'alert' : 'default'} testId="emergency-allergies">
          {card.allergies.length ? (
            <ul className="space-y-2">
              {card.allergies.map((a, i) => (
                <li key={i}>
                  <strong className="font-bold">{a.substance}</strong>
                  {a.severity ? (
                    <span
                      className={cn(
                        'ml-2 rounded-full px-2.5 py-0.5 text-base font-bold',
                        a.severity === 'severe'
                          ? 'bg-red-700 text-white dark:bg-red-300 dark:text-red-950'
                          : 'bg-white/70 text-red-950 ring-1 ring-red-300 dark:bg-red-900 dark:text-red-50',
                      )}
                    >
                      {SEVERITY_LABELS[a.severity]}
                    </span>
                  ) : null}
                  {a.reaction ? (
                    <span className="ml-2 text-base sm:block sm:ml-0 sm:text-lg">Reaction: {a.reaction}</span>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : (
            <None>No known allergies</None>
          )}
        </Block>
      ) : null}

      {medications ? (
        <Block title="Medications" tone={risk.size ? 'alert' : 'default'} testId="emergency-medications">
          {medications.length ? (
            <ul className="space-y-2">
              {medications.map((m, i) => (
                <li key={i} data-high-risk={risk.has(m.name) || undefined}>
                  <strong>{m.name}</strong>
                  {m.dose || m.schedule ? <span> — {[m.dose, m.schedule].filter(Boolean).join(', ')}</span> : null}
                  {risk.has(m.name) ? (
                    <span className="mt-1 block w-fit rounded-lg bg-red-700 px-2.5 py-0.5 text-base font-bold text-white dark:bg-red-300 dark:text-red-950">
                      High risk: {risk.get(m.name)!.map(shortReason).join(', ')}
                    </span>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : (
            <None />
          )}
        </Block>
      ) : null}

      {devices.length ? (
        <Block title="Implanted devices" tone="alert" testId="emergency-devices">
          <ul className="space-y-1">
            {devices.map((d, i) => (
              <li key={i}>{d}</li>
            ))}
          </ul>
        </Block>
      ) : null}

      {card.conditions ? (
        <Block title="Conditions" testId="emergency-conditions">
          {card.conditions.length ? (
            <ul className="space-y-2">
              {card.conditions.map((c, i) => (
                <li key={i}>
                  <strong>{c.name}</strong>
                  {c.since ? <span> (since {c.since})</span> : null}
                  {c.notes ? <span className="block text-base sm:text-lg">{c.notes}</span> : null}
                </li>
              ))}
            </ul>
          ) : (
            <None />
          )}
        </Block>
      ) : null}

      {card.emergencyContacts ? (
        <Block title="Emergency contacts" testId="emergency-contacts">
          {card.emergencyContacts.length ? (
            <ul className="space-y-4">
              {card.emergencyContacts.map((c, i) => (
                <li key={i} className="flex flex-wrap items-center justify-between gap-3">
                  <span>
                    <strong>{c.name}</strong>
                    {c.relationship ? <span> ({c.relationship})</span> : null}
                    <span className="block text-base tabular-nums sm:text-lg">{c.phone}</span>
                  </span>
                  <CallLink phone={c.phone} label={`Call ${c.name}`} />
                </li>
              ))}
            </ul>
          ) : (
            <None />
          )}
        </Block>
      ) : null}

      {'primaryPhysician' in card ? (
        <Block title="Primary physician" testId="emergency-physician">
          {card.primaryPhysician ? (
            <div className="flex flex-wrap items-center justify-between gap-3">
              <span>
                <strong>{card.primaryPhysician.name}</strong>
                {card.primaryPhysician.organization ? (
                  <span className="block">{card.primaryPhysician.organization}</span>
                ) : null}
                {card.primaryPhysician.phone ? (
                  <span className="block tabular-nums">{card.primaryPhysician.phone}</span>
                ) : null}
              </span>
              {card.primaryPhysician.phone ? (
                <CallLink phone={card.primaryPhysician.phone} label={`Call ${card.primaryPhysician.name}`} />
              ) : null}
            </div>
          ) : (
            <None>Not given</None>
          )}
        </Block>
      ) : null}

      {card.immunizations ? (
        <Block title="Immunizations" testId="emergency-immunizations">
          {card.immunizations.length ? (
            <ul className="space-y-1">
              {card.immunizations.map((im, i) => (
                <li key={i}>
                  {im.vaccine}
                  {im.date ? ` (${im.date})` : ''}
                </li>
              ))}
            </ul>
          ) : (
            <None />
          )}
        </Block>
      ) : null}

      {hasBody ? (
        <Block title="Measurements" testId="emergency-measurements">
          <dl className="grid grid-cols-[auto_1fr] gap-x-6 gap-y-1">
            {'heightCm' in card ? (
              <>
                <dt className="font-semibold">Height</dt>
                <dd>{card.heightCm != null ? `${card.heightCm} cm` : 'Not given'}</dd>
              </>
            ) : null}
            {'weightKg' in card ? (
              <>
                <dt className="font-semibold">Weight</dt>
                <dd>{card.weightKg != null ? `${card.weightKg} kg` : 'Not given'}</dd>
              </>
            ) : null}
            {'bmi' in card ? (
              <>
                <dt className="font-semibold">BMI</dt>
                <dd>
                  {card.bmi
                    ? `${card.bmi.value.toFixed(1)}${card.bmi.category ? ` (${BMI_CATEGORY_LABELS[card.bmi.category]})` : ''}`
                    : 'Not given'}
                </dd>
              </>
            ) : null}
          </dl>
        </Block>
      ) : null}

      {'organDonor' in card ? (
        <Block title="Organ donor" testId="emergency-organDonor">
          <p className="font-bold">
            {card.organDonor === true ? 'Yes' : card.organDonor === false ? 'No' : 'Not stated'}
          </p>
        </Block>
      ) : null}

      {'notes' in card ? (
        <Block title="Notes" testId="emergency-notes">
          {card.notes ? <p className="whitespace-pre-line">{card.notes}</p> : <None>No notes</None>}
        </Block>
      ) : null}
    </div>
  );
}

function Problem({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div
      role="alert"
      className="flex items-start gap-3 rounded-2xl border border-slate-300 bg-white p-6 dark:border-slate-700 dark:bg-slate-900"
    >
      <ShieldIcon className="mt-1 size-6 shrink-0 text-slate-700 dark:text-slate-300" />
      <div>
        <h2 className="text-xl font-bold">{title}</h2>
        <div className="mt-2 text-lg text-slate-700 dark:text-slate-300">{children}</div>
      </div>
    </div>
  );
}

/**
 * What a responder sees after scanning a card's QR: read-only, only the fields the owner shared,
 * the emergency number first. Every view is recorded on the owner's trail (said below).
 */
export function EmergencyView({ token }: { token: string }) {
  const view = useEmergencyView(token);
  const valid = isQrToken(token);
  const number = view.data?.emergencyNumber;

  let body: ReactNode;
  if (!valid || (view.isError && view.error instanceof ApiError && view.error.status === 404)) {
    body = (
      <Problem title="This QR code does not open a medical card">
        <p>
          It may have been replaced by a newer card, or mistyped. Treat the person as you would anyone without a card.
        </p>
      </Problem>
    );
  } else if (view.isPending) {
    body = (
      <p role="status" className="text-lg">
        Loading the card holder’s information…
      </p>
    );
  } else if (view.isError) {
    body = (
      <Problem title="The information could not be loaded">
        <p>Check the connection and try again. Do not wait for it: call for help first.</p>
        <Button className="mt-4" onClick={() => void view.refetch()}>
          Try again
        </Button>
      </Problem>
    );
  } else {
    const shown = Object.keys(view.data.card).length > 0;
    body = (
      <>
        {shown ? (
          <Details card={view.data.card} highRisk={view.data.highRiskMedications} />
        ) : (
          <Problem title="Nothing is shared on this card">
            <p>The card holder chose not to show any medical information here.</p>
          </Problem>
        )}
        <p className="mt-6 text-slate-700 dark:text-slate-300">
          Last updated by the card holder on {view.data.updatedAt.slice(0, 10)}. Read-only. The card holder can see that
          this page was opened.
        </p>
      </>
    );
  }

  return (
    <div className="space-y-4 sm:space-y-8">
      <ResponderNotice number={number} />
      <div>{body}</div>
    </div>
  );
}
