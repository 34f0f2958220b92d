import { useParams } from 'react-router';
import { PageContainer } from '@/components/layouts/root-layout';
import { DocumentTitle } from '@/components/ui/document-title';
import { PageHeader } from '@/components/ui/page-header';
import { EmergencyView } from '@/features/emergency/components/emergency-view';

/** Reached by scanning a card's QR: `/emergency/:token`. Public, read-only, never indexed. */
export function Component() {
  const { token = '' } = useParams();
  return (
    <PageContainer className="max-w-4xl" compact>
      <DocumentTitle title="Emergency information" />
      <meta name="robots" content="noindex, nofollow" />
      <meta name="referrer" content="no-referrer" />
      <PageHeader
        compact
        eyebrow="Read-only"
        title="Emergency information"
        description="Medical information the card holder chose to share with whoever helps them."
      />
      <EmergencyView token={token} />
    </PageContainer>
  );
}
