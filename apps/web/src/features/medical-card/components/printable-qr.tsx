import { env } from '@/config/env';
import { QrIcon } from '@/components/ui/icons';

/**
 * The wallet card: bank-card size when printed (85.6 × 54 mm, dashed cut line), the QR code from
 * POST /api/qr on the left and a few words for whoever finds it on the right. Until the card
 * exists the code's place is an outlined box, so the sheet's layout can be checked.
 */
export function PrintableQr({ name }: { name?: string }) {
  return (
    <article
      aria-label="Printable emergency QR card"
      className="mx-auto grid w-full max-w-lg grid-cols-[2fr_3fr] gap-4 rounded-2xl border-2 border-slate-900 bg-white p-5 text-slate-900 print:h-[54mm] print:w-[85.6mm] print:max-w-none print:gap-[3mm] print:rounded-[3mm] print:border print:border-dashed print:border-black print:p-[3mm]"
    >
      <div className="flex aspect-square items-center justify-center self-center rounded-lg border-2 border-dashed border-slate-400 text-slate-600 print:rounded-none">
        <span className="flex flex-col items-center gap-1 px-2 text-center text-xs print:text-[6pt]">
          <QrIcon className="size-8 print:size-5" />
          QR code after sign-in
        </span>
      </div>
      <div className="flex flex-col justify-center gap-1.5 print:gap-[1mm]">
        <p className="text-xs font-bold tracking-widest text-red-800 uppercase print:text-[6pt]">Medical information</p>
        <p className="text-lg leading-tight font-bold print:text-[10pt]">{name ?? 'Your name'}</p>
        <p className="text-sm leading-snug print:text-[6.5pt]">
          <strong>In an emergency</strong> scan this code with a phone camera to see allergies, conditions, medications
          and contacts.
        </p>
        <p className="text-sm font-semibold text-red-800 print:text-[7pt]">Call {env.emergencyNumber}</p>
      </div>
    </article>
  );
}
