import { useSearchParams } from 'react-router';
import { PageContainer } from '@/components/layouts/root-layout';
import { Button, ButtonLink } from '@/components/ui/button';
import { DocumentTitle } from '@/components/ui/document-title';
import { PrinterIcon } from '@/components/ui/icons';
import { PageHeader } from '@/components/ui/page-header';
import { PinSettings } from '@/features/auth/components/pin-settings';
import { PasswordSettings } from '@/features/auth/components/password-settings';
import { SignOutEverywhere } from '@/features/auth/components/sign-out-everywhere';
import { RequireSignIn } from '@/features/auth/components/require-sign-in';
import { useDownloadFhir } from '@/features/medical-card/api/export-fhir';
import { CardOverview } from '@/features/medical-card/components/card-overview';
import { useSession } from '@/lib/auth-store';

function FhirButton() {
  const download = useDownloadFhir();
  return (
    <Button variant="secondary" onClick={() => download.mutate()} disabled={download.isPending}>
      {download.isPending ? 'Preparing…' : 'Download (FHIR)'}
    </Button>
  );
}

export function Component() {
  const [params] = useSearchParams();
  const { status } = useSession();
  return (
    <PageContainer>
      <DocumentTitle title="Medical card" />
      <PageHeader
        title="Medical card"
        description="The facts a doctor or a responder needs, in one place, with a QR code you can print."
        actions={
          status === 'signed-in' ? (
            <>
              <FhirButton />
              <ButtonLink to="/card/print">
                <PrinterIcon />
                Print QR card
              </ButtonLink>
            </>
          ) : undefined
        }
      />
      <RequireSignIn what="your medical card">
        <CardOverview
          pinSettings={<PinSettings />}
          sessionSettings={
            <div className="space-y-8">
              <PasswordSettings />
              <SignOutEverywhere />
            </div>
          }
          welcome={params.get('welcome') === '1'}
        />
      </RequireSignIn>
    </PageContainer>
  );
}
