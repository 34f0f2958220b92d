import { PageContainer } from '@/components/layouts/root-layout';
import { DocumentTitle } from '@/components/ui/document-title';
import { PageHeader } from '@/components/ui/page-header';
import { ClinicianCalls } from '@/features/calls';

export function Component() {
  return (
    <PageContainer>
      <DocumentTitle title="Waiting calls" />
      <PageHeader
        eyebrow="Clinicians"
        title="Waiting calls"
        description="Patients who asked to talk to a clinician, oldest first. Answer one to start a voice call."
      />
      <ClinicianCalls />
    </PageContainer>
  );
}
