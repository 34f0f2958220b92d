import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { ModelAdmin } from '@medichat/shared';
import { Panel } from '@/components/ui/panel';
import { FormAlert } from '@/components/ui/form';
import { SlidersIcon } from '@/components/ui/icons';
import { useSession } from '@/lib/auth-store';
import { describeError } from '@/lib/form';
import { modelKeys, useModels } from '../api/get-models';
import { ModelsTable } from './models-table';
import { PullForm } from './pull-form';
import { RegisterRemoteForm } from './register-form';

/**
 * Admin: every model (base, pulled, fine-tuned, remote) with its engine, size, status, metrics and
 * memory state, which one answers, switching it without a restart, pulling a model and
 * registering a remote server. While a model is pulling or training the list refreshes itself.
 */
export function ModelsOverview() {
  const session = useSession();
  const owner = session.user ? `user:${session.user.id}` : 'guest';
  const models = useModels(owner, session.status === 'signed-in');
  const admins = (models.data?.items ?? []).filter((m): m is ModelAdmin => 'engine' in m);
  const busy = admins.some((m) => m.status === 'pulling' || m.status === 'training');
  // A slow refresh while something is in progress, so its status column moves on by itself.
  useRefreshWhile(busy);

  return (
    <div className="space-y-6">
      <Panel title="Available models" icon={<SlidersIcon />}>
        {models.error ? <FormAlert>Could not load the models: {describeError(models.error)}</FormAlert> : null}
        {models.isPending ? (
          <p role="status" className="text-slate-700 dark:text-slate-300">
            Loading the models…
          </p>
        ) : null}
        {models.data ? <ModelsTable list={models.data} /> : null}
      </Panel>
      <div className="grid gap-6 lg:grid-cols-2">
        <Panel title="Pull a model">
          <PullForm models={admins} />
        </Panel>
        <Panel title="Register a remote server">
          <RegisterRemoteForm />
        </Panel>
      </div>
    </div>
  );
}

function useRefreshWhile(active: boolean) {
  const queryClient = useQueryClient();
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => void queryClient.invalidateQueries({ queryKey: modelKeys.all, exact: false }), 2000);
    return () => clearInterval(timer);
  }, [active, queryClient]);
}
