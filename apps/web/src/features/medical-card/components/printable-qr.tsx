import type { Card, EmergencyField } from '@medichat/shared';
import { useEmergencyNumber } from '@/config/server-config';
import { QrIcon } from '@/components/ui/icons';
import { cn } from '@/lib/cn';
import { BMI_CATEGORY_LABELS, EMERGENCY_FIELD_LABELS, SEVERITY_LABELS, SEX_LABELS } from '../lib/labels';

export type PrintFormat = 'wallet' | 'a4';

/** The QR image from the API's SVG (a data URL: no object URL to revoke, allowed by the CSP). */
export function qrDataUrl(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

function shows(card: Card, field: EmergencyField): boolean {
  return card.emergencyFields.includes(field);
}

function QrImage({ svg, className }: { svg: string | null; className?: string }) {
  if (!svg) {
    return (
      <div
        className={cn(
          'flex aspect-square items-center justify-center border-[0.4mm] border-dashed border-slate-500 text-center text-[6pt] text-slate-700',
          className,
        )}
      >
        <span className="flex flex-col items-center gap-[1mm] px-[2mm]">
          <QrIcon className="size-[6mm]" />
          No QR code yet
        </span>
      </div>
    );
  }
  return (
    <img
      src={qrDataUrl(svg)}
      alt="QR code of this medical card"
      className={cn('aspect-square bg-white [image-rendering:pixelated]', className)}
      data-testid="card-qr"
    />
  );
}

const allergyText = (card: Card) =>
  card.allergies.map((a) => (a.severity === 'severe' ? `${a.substance} (SEVERE)` : a.substance)).join(', ');

/**
 * The wallet card, drawn in millimetres and points so it prints at bank-card size (ISO/IEC 7810
 * ID-1, 85.6 × 54 mm): the QR on the left, on the right what the owner chose to show on the
 * emergency view — name, date of birth, blood type, allergies, medications, conditions, notes (an
 * implanted device is often written there), a contact, organ donor: the emergency page's rules
 * (`emergencyFields`). Long lists are cut short; the QR leads to the rest. The dashed border is the
 * cut line, on screen and on paper.
 */
export function WalletCard({ card, svg }: { card: Card; svg: string | null }) {
  const emergencyNumber = useEmergencyNumber();
  const contact = shows(card, 'emergencyContacts') ? card.emergencyContacts[0] : undefined;
  const lines: Array<[string, string]> = [];
  if (shows(card, 'allergies')) lines.push(['Allergies', allergyText(card) || 'None known']);
  if (shows(card, 'medications') && card.medications.length) {
    lines.push(['Medications', card.medications.map((m) => [m.name, m.dose].filter(Boolean).join(' ')).join(', ')]);
  }
  if (shows(card, 'conditions') && card.conditions.length) {
    lines.push(['Conditions', card.conditions.map((c) => c.name).join(', ')]);
  }
  if (shows(card, 'notes') && card.notes) lines.push(['Notes', card.notes]);
  if (shows(card, 'organDonor') && card.organDonor !== null)
    lines.push(['Organ donor', card.organDonor ? 'Yes' : 'No']);
  return (
    <article
      aria-label="Wallet card"
      data-testid="wallet-card"
      className="wallet-card box-border grid h-[54mm] w-[85.6mm] shrink-0 grid-cols-[30mm_1fr] gap-[2.5mm] overflow-hidden rounded-[3mm] border-[0.3mm] border-dashed border-black bg-white p-[3mm] text-black"
    >
      <div className="flex flex-col items-center justify-center gap-[1mm]">
        <QrImage svg={svg} className="w-[30mm]" />
        <p className="text-center text-[5.5pt] leading-tight">Scan for emergency information</p>
      </div>
      <div className="flex min-w-0 flex-col gap-[0.8mm] overflow-hidden">
        <p className="text-[6pt] font-bold tracking-[0.15em] text-red-800 uppercase">Medical information</p>
        {shows(card, 'name') && card.name ? (
          <p className="truncate text-[10pt] leading-tight font-bold">{card.name}</p>
        ) : null}
        {shows(card, 'dateOfBirth') && card.dateOfBirth ? (
          <p className="text-[6.5pt] leading-tight" data-testid="wallet-dob">
            Born <strong>{card.dateOfBirth}</strong>
          </p>
        ) : null}
        {shows(card, 'bloodType') ? (
          <p className="text-[7pt] leading-tight">
            Blood type <strong className="text-[11pt]">{card.bloodType ?? '—'}</strong>
          </p>
        ) : null}
        {lines.map(([label, text]) => (
          <p key={label} className="line-clamp-2 text-[6pt] leading-[1.25]">
            <strong>{label}:</strong> {text}
          </p>
        ))}
        {contact ? (
          <p className="truncate text-[6pt] leading-tight">
            <strong>ICE:</strong> {contact.name} {contact.phone}
          </p>
        ) : null}
        <p className="mt-auto text-[7pt] font-bold text-red-800">Emergency: call {emergencyNumber}</p>
      </div>
    </article>
  );
}

function SheetRow({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid grid-cols-[40mm_1fr] gap-[4mm] border-b border-slate-300 py-[2mm] break-inside-avoid">
      <dt className="font-semibold">{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** The A4 sheet: the wallet card to cut out, then every field the owner shares, in full. */
export function EmergencySheet({ card, svg }: { card: Card; svg: string | null }) {
  const emergencyNumber = useEmergencyNumber();
  const rows: Array<[EmergencyField, React.ReactNode]> = [];
  const none = <span className="text-slate-600">Not given</span>;
  for (const field of card.emergencyFields) {
    switch (field) {
      case 'name':
        rows.push([field, card.name ?? none]);
        break;
      case 'dateOfBirth':
        rows.push([field, card.dateOfBirth ?? none]);
        break;
      case 'sex':
        rows.push([field, card.sex ? SEX_LABELS[card.sex] : none]);
        break;
      case 'bloodType':
        rows.push([field, card.bloodType ?? none]);
        break;
      case 'heightCm':
        rows.push([field, card.heightCm != null ? `${card.heightCm} cm` : none]);
        break;
      case 'weightKg':
        rows.push([field, card.weightKg != null ? `${card.weightKg} kg` : none]);
        break;
      case 'bmi':
        rows.push([
          field,
          card.bmi
            ? `${card.bmi.value.toFixed(1)}${card.bmi.category ? ` (${BMI_CATEGORY_LABELS[card.bmi.category]})` : ''}`
            : none,
        ]);
        break;
      case 'allergies':
        rows.push([
          field,
          card.allergies.length ? (
            <ul>
              {card.allergies.map((a, i) => (
                <li key={i}>
                  <strong>{a.substance}</strong>
                  {a.severity ? ` — ${SEVERITY_LABELS[a.severity]}` : ''}
                  {a.reaction ? `: ${a.reaction}` : ''}
                </li>
              ))}
            </ul>
          ) : (
            'None known'
          ),
        ]);
        break;
      case 'conditions':
        rows.push([
          field,
          card.conditions.length ? (
            <ul>
              {card.conditions.map((c, i) => (
                <li key={i}>
                  {c.name}
                  {c.since ? ` (since ${c.since})` : ''}
                  {c.notes ? ` — ${c.notes}` : ''}
                </li>
              ))}
            </ul>
          ) : (
            none
          ),
        ]);
        break;
      case 'medications':
        rows.push([
          field,
          card.medications.length ? (
            <ul>
              {card.medications.map((m, i) => (
                <li key={i}>
                  <strong>{m.name}</strong> {[m.dose, m.schedule].filter(Boolean).join(', ')}
                </li>
              ))}
            </ul>
          ) : (
            none
          ),
        ]);
        break;
      case 'immunizations':
        rows.push([
          field,
          card.immunizations.length
            ? card.immunizations.map((im) => (im.date ? `${im.vaccine} (${im.date})` : im.vaccine)).join('; ')
            : none,
        ]);
        break;
      case 'emergencyContacts':
        rows.push([
          field,
          card.emergencyContacts.length ? (
            <ul>
              {card.emergencyContacts.map((c, i) => (
                <li key={i}>
                  <strong>{c.name}</strong>
                  {c.relationship ? ` (${c.relationship})` : ''} {c.phone}
                </li>
              ))}
            </ul>
          ) : (
            none
          ),
        ]);
        break;
      case 'organDonor':
        rows.push([field, card.organDonor === null ? none : card.organDonor ? 'Yes' : 'No']);
        break;
      case 'primaryPhysician':
        rows.push([
          field,
          card.primaryPhysician
            ? [card.primaryPhysician.name, card.primaryPhysician.organization, card.primaryPhysician.phone]
                .filter(Boolean)
                .join(', ')
            : none,
        ]);
        break;
      case 'language':
        rows.push([field, card.language ?? none]);
        break;
      case 'notes':
        rows.push([field, card.notes ? <span className="whitespace-pre-line">{card.notes}</span> : none]);
        break;
    }
  }
  return (
    <section
      aria-label="Emergency information sheet"
      className="bg-white text-[11pt] text-black"
      data-testid="a4-sheet"
    >
      <div className="flex flex-wrap items-start gap-[8mm]">
        <WalletCard card={card} svg={svg} />
        <p className="max-w-[70mm] text-[9pt] text-slate-700">
          Cut along the dashed line and keep the card with your ID. Keep this sheet at home, on the fridge or with your
          medicines.
        </p>
      </div>
      <h2 className="mt-[8mm] text-[16pt] font-bold">Emergency information</h2>
      <p className="text-[10pt]">
        In an emergency call <strong>{emergencyNumber}</strong>. Last updated {card.updatedAt.slice(0, 10)}.
      </p>
      <div className="mt-[4mm] flex gap-[8mm]">
        <dl className="flex-1">
          {rows.map(([field, value]) => (
            <SheetRow key={field} label={EMERGENCY_FIELD_LABELS[field] ?? field}>
              {value}
            </SheetRow>
          ))}
        </dl>
        <QrImage svg={svg} className="w-[45mm] self-start" />
      </div>
    </section>
  );
}
