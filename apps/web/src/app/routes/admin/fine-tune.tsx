import { useNavigate } from 'react-router';
import type { ModelAdmin } from '@medichat/shared';
import { PageContainer } from '@/components/layouts/root-layout';
import { ButtonLink } from '@/components/ui/button';
import { DocumentTitle } from '@/components/ui/document-title';
import { SlidersIcon } from '@/components/ui/icons';
import { Panel } from '@/components/ui/panel';
import { PageHeader } from '@/components/ui/page-header';
import { FineTuneForm } from '@/features/fine-tune/components/fine-tune-form';
import { useModels } from '@/features/models/api/get-models';
import { useSession } from '@/lib/auth-store';
import { RequireAdmin } from './require-admin';

/** The base models a fine-tune can start from: available local models (a remote server cannot be trained here). */
function useBaseModels(): Array<{ id: string; name: string }> {
  const session = useSession();
  const models = useModels(session.user ? `user:${session.user.id}` : 'guest', session.status === 'signed-in');
  return (models.data?.items ?? [])
    .filter((m): m is ModelAdmin => 'engine' in m)
    .filter((m) => m.status === 'available' && (m.engine === 'llama-cpp' || m.engine === 'transformers'))
    .map((m) => ({ id: m.id, name: m.name }));
}

function NewJob() {
  const navigate = useNavigate();
  const baseModels = useBaseModels();
  return (
    <Panel title="New fine-tune job" icon={<SlidersIcon />} className="max-w-3xl">
      <FineTuneForm
        baseModels={baseModels}
        onStarted={(a) => void navigate(`/admin/fine-tune/${encodeURIComponent(a.modelId)}`)}
      />
    </Panel>
  );
}

export function Component() {
  return (
    <RequireAdmin>
      <PageContainer>
        <DocumentTitle title="Fine-tuning" />
        <PageHeader
          eyebrow="Clinicians"
          title="Fine-tuning"
          description="Train a model on your own data in the background, follow its progress, then put it to work once it has passed the gate."
          actions={
            <ButtonLink to="/admin/models" variant="secondary">
              Models
            </ButtonLink>
          }
        />
        <NewJob />
      </PageContainer>
    </RequireAdmin>
  );
}
