import { PageContainer } from '@/components/layouts/root-layout';
import { DocumentTitle } from '@/components/ui/document-title';
import { PageHeader } from '@/components/ui/page-header';
import { EmergencyView } from '@/features/emergency/components/emergency-view';
import { ResponderNotice } from '@/features/emergency/components/responder-notice';

/** Reached by scanning a card's QR: `/emergency/:token`. Public, read-only, never indexed. */
export function Component() {
  return (
    <PageContainer>
      <DocumentTitle title="Emergency information" />
      <meta name="robots" content="noindex, nofollow" />
      <PageHeader
        eyebrow="Read-only"
        title="Emergency information"
        description="Medical information the card holder chose to share with whoever helps them."
      />
      <ResponderNotice />
      <div className="mt-8">
        <EmergencyView />
      </div>
    </PageContainer>
  );
}
