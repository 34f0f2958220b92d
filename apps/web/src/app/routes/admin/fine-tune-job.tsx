import { useParams } from 'react-router';
import { PageContainer } from '@/components/layouts/root-layout';
import { ButtonLink } from '@/components/ui/button';
import { DocumentTitle } from '@/components/ui/document-title';
import { PageHeader } from '@/components/ui/page-header';
import { FineTuneProgress } from '@/features/fine-tune/components/fine-tune-progress';
import { RequireAdmin } from './require-admin';

export function Component() {
  const { modelId = '' } = useParams();
  return (
    <RequireAdmin>
      <PageContainer>
        <DocumentTitle title="Fine-tune progress" />
        <PageHeader
          eyebrow="Clinicians"
          title="Fine-tune progress"
          description="Live progress and loss of the job, the activation gate's verdict, and activation."
          actions={
            <>
              <ButtonLink to="/admin/fine-tune" variant="secondary">
                New job
              </ButtonLink>
              <ButtonLink to="/admin/models" variant="secondary">
                Models
              </ButtonLink>
            </>
          }
        />
        <FineTuneProgress key={modelId} modelId={modelId} />
      </PageContainer>
    </RequireAdmin>
  );
}
