import type { ModelAdmin, ModelList } from '@medichat/shared';
import { Link } from 'react-router';
import { Button } from '@/components/ui/button';
import { FormAlert } from '@/components/ui/form';
import { describeError } from '@/lib/form';
import { formatBytes, useMakeDefault } from '@/lib/model-jobs';

const STATUS_TONE: Record<ModelAdmin['status'], string> = {
  available: 'bg-teal-50 text-teal-900 ring-teal-700/30 dark:bg-teal-950 dark:text-teal-100 dark:ring-teal-300/40',
  pulling: 'bg-sky-50 text-sky-900 ring-sky-700/30 dark:bg-sky-950 dark:text-sky-100 dark:ring-sky-300/40',
  training: 'bg-sky-50 text-sky-900 ring-sky-700/30 dark:bg-sky-950 dark:text-sky-100 dark:ring-sky-300/40',
  failed: 'bg-red-50 text-red-900 ring-red-700/30 dark:bg-red-950 dark:text-red-100 dark:ring-red-300/40',
  disabled: 'bg-slate-100 text-slate-800 ring-slate-500/30 dark:bg-slate-800 dark:text-slate-100 dark:ring-slate-400/40',
};

const COLUMNS = ['Name', 'Engine', 'Kind', 'Size', 'Status', 'Metrics', 'Memory'] as const;

const badge = 'inline-flex items-center rounded-full px-2 py-0.5 text-xs font-semibold ring-1 ring-inset';

function isAdminItem(m: ModelList['items'][number]): m is ModelAdmin {
  return 'engine' in m;
}

function metricsText(metrics: ModelAdmin['metrics']): string {
  if (!metrics || Object.keys(metrics).length === 0) return '—';
  return Object.entries(metrics)
    .map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(3)}`)
    .join(', ');
}

function loadedText(loaded: ModelAdmin['loaded']): string {
  if (!loaded) return 'Not loaded';
  const state = { loading: 'Loading', ready: 'In memory', disposing: 'Unloading' }[loaded.state];
  return `${state} (${formatBytes(loaded.memoryBytes)}${loaded.leases ? `, ${loaded.leases} in use` : ''})`;
}

/**
 * Every registered model with its engine, kind, size, status, metrics and memory state, the
 * default marked, and "Make default" for the available ones (the next reply uses it; replies in
 * flight finish on theirs). A refusal (409: not available, or a fine-tune whose gate has not
 * passed) is shown as the API's problem detail.
 */
export function ModelsTable({ list }: { list: ModelList }) {
  const makeDefault = useMakeDefault();
  const items = list.items.filter(isAdminItem);
  return (
    <div className="space-y-4">
      {makeDefault.error ? (
        <FormAlert>Could not change the default model: {describeError(makeDefault.error)}</FormAlert>
      ) : null}
      {makeDefault.isSuccess ? (
        <FormAlert tone="info">{makeDefault.data.name} is now the default model: the next replies come from it.</FormAlert>
      ) : null}
      <div className="overflow-x-auto">
        <table className="w-full min-w-[48rem] text-left text-sm">
          <caption className="sr-only">Registered models</caption>
          <thead className="border-b border-slate-200 text-slate-700 dark:border-slate-700 dark:text-slate-300">
            <tr>
              {COLUMNS.map((c) => (
                <th key={c} scope="col" className="py-2 pr-3 font-semibold">
                  {c}
                </th>
              ))}
              <th scope="col" className="py-2 font-semibold">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
            {items.map((m) => {
              const pending = makeDefault.isPending && makeDefault.variables === m.id;
              return (
                <tr key={m.id} data-testid="model-row" data-model-name={m.name}>
                  <th scope="row" className="py-3 pr-3 font-medium break-all text-slate-900 dark:text-slate-100">
                    {m.name}{' '}
                    {m.isDefault ? (
                      <span className={`${badge} ml-1 ${STATUS_TONE.available}`} data-testid="default-badge">
                        Default
                      </span>
                    ) : null}
                  </th>
                  <td className="py-3 pr-3">{m.engine}</td>
                  <td className="py-3 pr-3">{m.kind === 'fine-tuned' ? 'Fine-tuned' : 'Base'}</td>
                  <td className="py-3 pr-3 whitespace-nowrap">{formatBytes(m.sizeBytes)}</td>
                  <td className="py-3 pr-3">
                    <span className={`${badge} ${STATUS_TONE[m.status]}`}>{m.status}</span>
                  </td>
                  <td className="py-3 pr-3">{metricsText(m.metrics)}</td>
                  <td className="py-3 pr-3">{loadedText(m.loaded)}</td>
                  <td className="py-3 text-right whitespace-nowrap">
                    {m.kind === 'fine-tuned' || m.status === 'training' ? (
                      <Link
                        to={`/admin/fine-tune/${encodeURIComponent(m.id)}`}
                        className="mr-3 font-semibold text-teal-800 underline-offset-2 hover:underline dark:text-teal-300"
                      >
                        Progress<span className="sr-only"> of {m.name}</span>
                      </Link>
                    ) : null}
                    {m.isDefault ? null : (
                      <Button
                        variant="secondary"
                        disabled={m.status !== 'available' || makeDefault.isPending}
                        onClick={() => makeDefault.mutate(m.id)}
                      >
                        {pending ? 'Switching…' : 'Make default'}
                        <span className="sr-only"> {m.name}</span>
                      </Button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {items.length === 0 ? (
        <p className="text-slate-700 dark:text-slate-300">No model is registered yet: pull one or register a server below.</p>
      ) : null}
    </div>
  );
}
