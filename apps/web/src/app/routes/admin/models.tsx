import { PageContainer } from '@/components/layouts/root-layout';
import { ButtonLink } from '@/components/ui/button';
import { DocumentTitle } from '@/components/ui/document-title';
import { PageHeader } from '@/components/ui/page-header';
import { ModelsOverview } from '@/features/models/components/models-overview';
import { RequireAdmin } from './require-admin';

export function Component() {
  return (
    <RequireAdmin>
      <PageContainer>
        <DocumentTitle title="Models" />
        <PageHeader
          eyebrow="Clinicians"
          title="Models"
          description="Choose which model answers patients, pull new ones, register a remote server, and switch between base and fine-tuned checkpoints without a restart."
          actions={
            <ButtonLink to="/admin/fine-tune" variant="secondary">
              Fine-tuning
            </ButtonLink>
          }
        />
        <ModelsOverview />
      </PageContainer>
    </RequireAdmin>
  );
}
