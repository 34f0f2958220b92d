import { PageContainer } from '@/components/layouts/root-layout';
import { ButtonLink } from '@/components/ui/button';
import { DocumentTitle } from '@/components/ui/document-title';
import { PageHeader } from '@/components/ui/page-header';
import { FineTuneOverview } from '@/features/fine-tune/components/fine-tune-overview';

export function Component() {
  return (
    <PageContainer>
      <DocumentTitle title="Fine-tuning" />
      <PageHeader
        eyebrow="Clinicians"
        title="Fine-tuning"
        description="Train a model on your own data in the background, follow its progress, then put it to work."
        actions={
          <ButtonLink to="/admin/models" variant="secondary">
            Models
          </ButtonLink>
        }
      />
      <FineTuneOverview />
    </PageContainer>
  );
}
