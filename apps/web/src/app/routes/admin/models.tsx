import { PageContainer } from '@/components/layouts/root-layout';
import { ButtonLink } from '@/components/ui/button';
import { DocumentTitle } from '@/components/ui/document-title';
import { PageHeader } from '@/components/ui/page-header';
import { ModelsOverview } from '@/features/models/components/models-overview';

export function Component() {
  return (
    <PageContainer>
      <DocumentTitle title="Models" />
      <PageHeader
        eyebrow="Clinicians"
        title="Models"
        description="Choose which Hugging Face model answers patients, and switch between base and fine-tuned checkpoints without a restart."
        actions={
          <ButtonLink to="/admin/fine-tune" variant="secondary">
            Fine-tuning
          </ButtonLink>
        }
      />
      <ModelsOverview />
    </PageContainer>
  );
}
