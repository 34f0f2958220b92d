import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { FormAlert } from '@/components/ui/form';
import { PrinterIcon, QrIcon } from '@/components/ui/icons';
import { describeError } from '@/lib/form';
import { useProfile } from '../api/get-profile';
import { useCurrentQr, useRegenerateQr } from '../api/regenerate-qr';
import { EmergencySheet, WalletCard, type PrintFormat } from './printable-qr';

/**
 * Page size and what prints. Only the chosen layout is visible on paper (the site's header, footer
 * and these controls are `print:hidden`); the wallet format makes the page a little larger than the
 * card (5 mm around it), so one card is one page and its dashed cut line is printed, not lost at
 * the paper's edge.
 */
function PrintStyle({ format }: { format: PrintFormat }) {
  const page = format === 'wallet' ? '@page { size: 95.6mm 64mm; margin: 5mm; }' : '@page { size: A4; margin: 12mm; }';
  return (
    <style>{`
@media print {
  ${page}
  html, body { min-height: 0 !important; height: auto !important; }
  #root > div { min-height: 0 !important; display: block !important; }
  main { padding: 0 !important; }
  .print-area { margin: 0 !important; padding: 0 !important; }
  .wallet-card { break-inside: avoid; print-color-adjust: exact; -webkit-print-color-adjust: exact; border: 0.3mm dashed #000 !important; }
}`}</style>
  );
}

export function PrintCard() {
  const profile = useProfile();
  const card = profile.data?.card;
  const qr = useCurrentQr(card?.qrVersion);
  const regenerate = useRegenerateQr();
  const [format, setFormat] = useState<PrintFormat>('wallet');
  const [confirming, setConfirming] = useState(false);

  if (profile.isPending) return <p role="status">Loading your card…</p>;
  if (profile.isError || !card) {
    return <p role="alert">Your card could not be loaded. {describeError(profile.error)}</p>;
  }

  const svg = qr.data ?? null;
  const hasEarlierQr = card.qrVersion > 0;
  const makeQr = () => {
    setConfirming(false);
    regenerate.mutate();
  };

  return (
    <div>
      <PrintStyle format={format} />
      <div className="space-y-6 print:hidden">
        <div className="flex flex-wrap items-end gap-6">
          <fieldset>
            <legend className="text-sm font-semibold">Paper</legend>
            <div className="mt-2 flex flex-wrap gap-x-6 gap-y-2">
              {(
                [
                  ['wallet', 'Wallet card (85.6 × 54 mm)'],
                  ['a4', 'A4 sheet with the card and full details'],
                ] as const
              ).map(([value, label]) => (
                <label key={value} className="flex min-h-11 items-center gap-2 text-sm font-medium">
                  <input
                    type="radio"
                    name="print-format"
                    value={value}
                    checked={format === value}
                    onChange={() => setFormat(value)}
                    className="size-5 accent-teal-700 dark:accent-teal-400"
                  />
                  {label}
                </label>
              ))}
            </div>
          </fieldset>
          <div className="flex flex-wrap gap-3">
            <Button
              variant={svg ? 'secondary' : 'primary'}
              disabled={regenerate.isPending}
              onClick={() => (hasEarlierQr ? setConfirming(true) : makeQr())}
            >
              <QrIcon />
              {regenerate.isPending
                ? 'Making the QR code…'
                : svg || hasEarlierQr
                  ? 'Make a new QR code'
                  : 'Make my QR code'}
            </Button>
            <Button onClick={() => window.print()} disabled={!svg}>
              <PrinterIcon />
              Print
            </Button>
          </div>
        </div>
        {regenerate.isError ? (
          <FormAlert>The QR code could not be made. {describeError(regenerate.error)}</FormAlert>
        ) : null}
        <p role="status" className="text-sm text-slate-700 dark:text-slate-300">
          {regenerate.isSuccess
            ? 'New QR code ready. Any card printed before no longer works.'
            : svg
              ? 'Your current QR code is ready to print.'
              : qr.isError
                ? `Your current QR code could not be loaded. ${describeError(qr.error)}`
                : hasEarlierQr
                  ? 'Loading your current QR code…'
                  : 'Make your QR code to print your card.'}
        </p>
        <p className="text-sm text-slate-700 dark:text-slate-300">
          The card shows what you chose to share on the emergency view. Change that on your medical card page.
        </p>
      </div>

      <div className="print-area mt-8 overflow-x-auto rounded-2xl bg-slate-200 p-4 sm:p-8 print:mt-0 print:overflow-visible print:rounded-none print:bg-white print:p-0 dark:bg-slate-800">
        {format === 'wallet' ? (
          <div className="flex justify-center sm:[zoom:1.5] print:block print:[zoom:1]">
            <WalletCard card={card} svg={svg} />
          </div>
        ) : (
          <div className="mx-auto max-w-[186mm] bg-white p-[8mm] shadow print:max-w-none print:p-0 print:shadow-none">
            <EmergencySheet card={card} svg={svg} />
          </div>
        )}
      </div>

      <ConfirmDialog
        open={confirming}
        title="Make a new QR code?"
        confirmLabel="Make a new QR code"
        tone="danger"
        onConfirm={makeQr}
        onCancel={() => setConfirming(false)}
      >
        <p>
          The QR code on any card you printed before <strong>stops working at once</strong>: it will no longer sign you
          in or show your emergency information.
        </p>
        <p>Print the new card and throw the old one away.</p>
      </ConfirmDialog>
    </div>
  );
}
