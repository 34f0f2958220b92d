import { PageContainer } from '@/components/layouts/root-layout';
import { ButtonLink } from '@/components/ui/button';
import { DocumentTitle } from '@/components/ui/document-title';
import { PageHeader } from '@/components/ui/page-header';
import { RequireSignIn } from '@/features/auth/components/require-sign-in';
import { PrintCard } from '@/features/medical-card/components/print-card';

export function Component() {
  return (
    <PageContainer className="print:max-w-none print:p-0">
      <DocumentTitle title="Print your QR card" />
      <div className="print:hidden">
        <PageHeader
          title="Print your QR card"
          description="Cut it out and keep it in your wallet. Anyone who scans it sees only what you chose to share."
          actions={
            <ButtonLink to="/card" variant="secondary">
              Back to card
            </ButtonLink>
          }
        />
      </div>
      <RequireSignIn what="your QR card">
        <PrintCard />
      </RequireSignIn>
    </PageContainer>
  );
}
