import { PageContainer } from '@/components/layouts/root-layout';
import { Button, ButtonLink } from '@/components/ui/button';
import { DocumentTitle } from '@/components/ui/document-title';
import { PrinterIcon } from '@/components/ui/icons';
import { PageHeader } from '@/components/ui/page-header';
import { PrintableQr } from '@/features/medical-card/components/printable-qr';

export function Component() {
  return (
    <PageContainer className="print:p-0">
      <DocumentTitle title="Print your QR card" />
      <div className="print:hidden">
        <PageHeader
          title="Print your QR card"
          description="Cut it out and keep it in your wallet. Anyone who scans it sees only what you chose to share."
          actions={
            <>
              <ButtonLink to="/card" variant="secondary">
                Back to card
              </ButtonLink>
              <Button onClick={() => window.print()}>
                <PrinterIcon />
                Print
              </Button>
            </>
          }
        />
      </div>
      <PrintableQr />
    </PageContainer>
  );
}
