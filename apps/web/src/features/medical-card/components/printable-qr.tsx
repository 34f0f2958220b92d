import { QrIcon } from '@/components/ui/icons';

/**
 * The print sheet: the QR code (from POST /api/qr) with a few words for whoever finds it.
 * Until the card exists the code's place is an outlined box, so the sheet's layout can be checked.
 */
export function PrintableQr({ name }: { name?: string }) {
  return (
    <article
      aria-label="Printable emergency QR card"
      className="mx-auto w-full max-w-sm rounded-2xl border-2 border-slate-900 bg-white p-6 text-slate-900 print:max-w-none print:rounded-none print:border-black"
    >
      <p className="text-xs font-bold tracking-widest text-red-800 uppercase">Medical information</p>
      <p className="mt-1 text-xl font-bold">{name ?? 'Your name'}</p>
      <div className="my-5 flex aspect-square items-center justify-center rounded-lg border-2 border-dashed border-slate-400 text-slate-600">
        <span className="flex flex-col items-center gap-2 px-6 text-center text-sm">
          <QrIcon className="size-10" />
          Your QR code appears here once you are signed in.
        </span>
      </div>
      <p className="text-sm">
        <strong>In an emergency:</strong> scan this code with any phone camera to see allergies, conditions, medications
        and emergency contacts.
      </p>
    </article>
  );
}
