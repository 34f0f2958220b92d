import { useId, useState, type ChangeEvent, type FormEvent } from 'react';
import {
  fineTuneParamsSchema,
  fineTuneRequestSchema,
  type FineTuneParams,
  type ModelJobAccepted,
} from '@medichat/shared';
import { Button } from '@/components/ui/button';
import {
  controlClasses,
  FieldError,
  FieldHint,
  FormAlert,
  labelClasses,
  SelectField,
  TextField,
} from '@/components/ui/form';
import { ApiError } from '@/lib/api-client';
import { describeError, fieldErrorsFromApi, fieldErrorsFromZod, sentence, type FieldErrors } from '@/lib/form';
import { previewDataset, type DatasetPreview } from '../lib/dataset-preview';
import { useStartFineTune } from '../api/fine-tune';

const DEFAULTS: FineTuneParams = fineTuneParamsSchema.parse({});

const PARAMS: Array<{ key: keyof FineTuneParams; label: string; hint: string; step: string }> = [
  { key: 'steps', label: 'Training steps', hint: 'Optimizer steps in all.', step: '1' },
  { key: 'batchSize', label: 'Batch size', hint: 'Examples a step.', step: '1' },
  { key: 'learningRate', label: 'Learning rate', hint: 'LoRA learning rate.', step: 'any' },
  { key: 'rank', label: 'LoRA rank', hint: 'Adapter size (r).', step: '1' },
  { key: 'heldout', label: 'Held-out share', hint: '0.05 to 0.5 of the examples, for evaluation.', step: '0.05' },
  { key: 'evalEvery', label: 'Evaluate every', hint: 'Steps between held-out evaluations.', step: '1' },
  { key: 'maxLength', label: 'Max tokens an example', hint: 'Longer examples are cut.', step: '1' },
];

/** Lines the API refused (a 422 names them), as "line N: reason". */
function lineErrorsOf(error: unknown): string[] {
  if (!(error instanceof ApiError)) return [];
  return error.errors
    .filter((e) => /dataset|line/i.test(e.path) || /line \d+/i.test(e.message))
    .map((e) => {
      const line = /(\d+)/.exec(e.path)?.[1];
      return line && !/line \d+/i.test(e.message) ? `Line ${line}: ${e.message}` : e.message;
    });
}

function Preview({ preview, fileName }: { preview: DatasetPreview; fileName: string }) {
  return (
    <div
      className="space-y-3 rounded-lg border border-slate-200 p-3 dark:border-slate-700"
      data-testid="dataset-preview"
    >
      <p className="text-sm font-semibold" role="status">
        {fileName}: {preview.examples} valid example{preview.examples === 1 ? '' : 's'}
        {preview.errors.length ? `, ${preview.errors.length} problem${preview.errors.length === 1 ? '' : 's'}` : ''}.
      </p>
      {preview.errors.length ? (
        <ul
          className="list-disc space-y-1 pl-5 text-sm text-red-800 dark:text-red-300"
          aria-label="Problems in the file"
        >
          {preview.errors.map((e) => (
            <li key={`${e.line}-${e.message}`}>{e.line > 0 ? `Line ${e.line}: ${e.message}` : sentence(e.message)}</li>
          ))}
        </ul>
      ) : null}
      {preview.preview.length ? (
        <ol className="space-y-2 text-sm" aria-label="First examples">
          {preview.preview.map(({ line, example }) => (
            <li key={line} className="rounded bg-slate-50 p-2 dark:bg-slate-800">
              <p className="text-xs font-semibold text-slate-600 dark:text-slate-300">Line {line}</p>
              {example.messages.map((m, i) => (
                <p key={i} className="break-words">
                  <span className="font-semibold">{m.role}:</span>{' '}
                  {m.content.length > 240 ? `${m.content.slice(0, 240)}…` : m.content}
                </p>
              ))}
            </li>
          ))}
        </ol>
      ) : null}
    </div>
  );
}

/**
 * A new fine-tune job: its name, the base model, the dataset (chat JSONL, checked and previewed in
 * the browser before upload; the API checks again and its 422 names the bad lines) and the
 * hyperparameters, preset to the API's defaults.
 */
export function FineTuneForm({
  baseModels,
  onStarted,
}: {
  baseModels: ReadonlyArray<{ id: string; name: string }>;
  onStarted: (accepted: ModelJobAccepted) => void;
}) {
  const id = useId();
  const [name, setName] = useState('');
  const [baseModelId, setBaseModelId] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<DatasetPreview | null>(null);
  const [params, setParams] = useState<Record<keyof FineTuneParams, string>>(
    () =>
      Object.fromEntries(Object.entries(DEFAULTS).map(([k, v]) => [k, String(v)])) as Record<
        keyof FineTuneParams,
        string
      >,
  );
  const [errors, setErrors] = useState<FieldErrors>({});
  const start = useStartFineTune();
  const base = baseModelId || baseModels[0]?.id || '';

  async function onFile(event: ChangeEvent<HTMLInputElement>) {
    const f = event.target.files?.[0] ?? null;
    setFile(f);
    setPreview(f ? previewDataset(await f.text(), { sizeBytes: f.size }) : null);
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const parsed = fineTuneRequestSchema.safeParse({ ...params, name: name.trim(), baseModelId: base });
    const next: FieldErrors = parsed.success ? {} : fieldErrorsFromZod(parsed.error);
    if (!file) next.dataset = 'choose a dataset file';
    setErrors(next);
    if (!parsed.success || !file) return;
    // Lines the browser found wrong are shown above; the API is the judge and names them in its 422.
    start.mutate(
      { fields: parsed.data, dataset: file },
      { onSuccess: onStarted, onError: (err) => setErrors(fieldErrorsFromApi(err)) },
    );
  }

  const err = (k: string) => (errors[k] ? sentence(errors[k]) : undefined);
  const refused = lineErrorsOf(start.error);
  return (
    <form onSubmit={onSubmit} noValidate aria-label="New fine-tune job" className="space-y-5">
      <TextField
        id={`${id}-name`}
        label="Name of the new model"
        value={name}
        onValueChange={setName}
        placeholder="smollm2-clinic-v1"
        error={err('name')}
        autoComplete="off"
        spellCheck={false}
        required
      />
      <SelectField
        id={`${id}-base`}
        label="Base model"
        value={base}
        onValueChange={setBaseModelId}
        options={baseModels.map((m) => ({ value: m.id, label: m.name }))}
        error={err('baseModelId')}
        hint={baseModels.length ? undefined : 'No available model to start from: pull one on the Models page.'}
      />
      <div>
        <label htmlFor={`${id}-dataset`} className={labelClasses}>
          Dataset (chat JSONL)
        </label>
        <FieldHint id={`${id}-dataset`}>
          One example a line:{' '}
          {'{"messages": [{"role": "user", "content": "…"}, {"role": "assistant", "content": "…"}]}'}. At least 4
          examples, up to 20 MB.
        </FieldHint>
        <input
          id={`${id}-dataset`}
          type="file"
          accept=".jsonl,.json,.txt,application/jsonl,application/x-ndjson"
          onChange={(e) => void onFile(e)}
          aria-invalid={errors.dataset ? true : undefined}
          aria-describedby={`${id}-dataset-hint${errors.dataset ? ` ${id}-dataset-error` : ''}`}
          className={`${controlClasses} mt-1.5 border-slate-500 dark:border-slate-400`}
        />
        <FieldError id={`${id}-dataset`} error={err('dataset')} />
      </div>
      {preview && file ? <Preview preview={preview} fileName={file.name} /> : null}
      <fieldset className="space-y-3">
        <legend className="text-base font-semibold">Hyperparameters</legend>
        <div className="grid gap-4 sm:grid-cols-2">
          {PARAMS.map((p) => (
            <TextField
              key={p.key}
              id={`${id}-${p.key}`}
              label={p.label}
              hint={`${p.hint} Default ${DEFAULTS[p.key]}.`}
              type="number"
              inputMode="decimal"
              step={p.step}
              value={params[p.key]}
              onValueChange={(v) => setParams((old) => ({ ...old, [p.key]: v }))}
              error={err(p.key)}
            />
          ))}
        </div>
      </fieldset>
      {start.error ? (
        <FormAlert>
          <p>{describeError(start.error)}</p>
          {refused.length ? (
            <ul className="mt-1 list-disc pl-5" aria-label="Lines the server refused">
              {refused.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
          ) : null}
        </FormAlert>
      ) : null}
      <Button type="submit" disabled={start.isPending}>
        {start.isPending ? 'Uploading…' : 'Start fine-tuning'}
      </Button>
    </form>
  );
}
