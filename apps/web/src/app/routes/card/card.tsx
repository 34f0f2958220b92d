import { PageContainer } from '@/components/layouts/root-layout';
import { ButtonLink } from '@/components/ui/button';
import { DocumentTitle } from '@/components/ui/document-title';
import { PrinterIcon } from '@/components/ui/icons';
import { PageHeader } from '@/components/ui/page-header';
import { CardPlaceholder, CardSections } from '@/features/medical-card/components/card-sections';

export function Component() {
  return (
    <PageContainer>
      <DocumentTitle title="Medical card" />
      <PageHeader
        title="Medical card"
        description="The facts a doctor or a responder needs, in one place, with a QR code you can print."
        actions={
          <ButtonLink to="/card/print" variant="secondary">
            <PrinterIcon />
            Print QR card
          </ButtonLink>
        }
      />
      <div className="space-y-10">
        <CardPlaceholder />
        <section aria-labelledby="card-sections-title">
          <h2 id="card-sections-title" className="mb-4 text-xl font-bold">
            What your card holds
          </h2>
          <CardSections />
        </section>
      </div>
    </PageContainer>
  );
}
