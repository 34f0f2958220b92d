import type { Gate, ModelStatusView } from '@medichat/shared';
import { Button } from '@/components/ui/button';
import { FormAlert } from '@/components/ui/form';
import { ChartIcon, ShieldIcon, SlidersIcon } from '@/components/ui/icons';
import { Panel } from '@/components/ui/panel';
import { ApiError } from '@/lib/api-client';
import { describeError } from '@/lib/form';
import { formatEta, isTerminal, useMakeDefault, useModelStatus } from '@/lib/model-jobs';
import { useJobAction } from '../api/fine-tune';
import { LossChart } from './loss-chart';

const STATE_LABEL: Record<ModelStatusView['state'], string> = {
  queued: 'Queued',
  validating: 'Checking the dataset',
  running: 'Training',
  evaluating: 'Evaluating against the base model',
  succeeded: 'Finished',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

const CHECK_LABEL: Record<string, string> = {
  'heldout-loss': 'Held-out loss (lower is better)',
  'answer-quality': 'Answer quality',
  'red-flags': 'Red-flag suite',
  'medication-safety': 'Medication-safety suite',
};

const num = (v: number | null) => (v == null ? '—' : Number.isInteger(v) ? String(v) : v.toFixed(3));

function GateTable({ gate }: { gate: Gate | null }) {
  if (!gate) return <p className="text-slate-700 dark:text-slate-300">The gate runs once training has finished.</p>;
  const verdict = { pending: 'Pending', passed: 'Passed', failed: 'Failed' }[gate.verdict];
  return (
    <div className="space-y-3">
      <p className="font-semibold" data-testid="gate-verdict">
        Verdict: {verdict}
        {gate.decidedAt ? (
          <span className="font-normal text-slate-700 dark:text-slate-300">
            {' '}
            ({new Date(gate.decidedAt).toLocaleString()})
          </span>
        ) : null}
      </p>
      {gate.checks.length ? (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Activation gate: the fine-tuned model against its base</caption>
            <thead>
              <tr className="border-b border-slate-200 dark:border-slate-700">
                {['Check', 'Base', 'Fine-tuned', 'Result'].map((c) => (
                  <th key={c} scope="col" className="py-2 pr-3 font-semibold">
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
              {gate.checks.map((c) => (
                <tr key={c.name}>
                  <th scope="row" className="py-2 pr-3 font-medium">
                    {CHECK_LABEL[c.name] ?? c.name}
                    {c.detail ? (
                      <span className="block text-xs font-normal text-slate-600 dark:text-slate-400">{c.detail}</span>
                    ) : null}
                  </th>
                  <td className="py-2 pr-3">{num(c.base)}</td>
                  <td className="py-2 pr-3">{num(c.candidate)}</td>
                  <td
                    className={`py-2 font-semibold ${c.passed ? 'text-teal-800 dark:text-teal-300' : 'text-red-800 dark:text-red-300'}`}
                  >
                    {c.passed ? 'Passed' : 'Failed'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}

/**
 * A fine-tune's live page: its state, steps, ETA and tokens/s (polled every second until the job
 * ends, announced politely), the loss chart (train and held-out), cancel and retry, the activation
 * gate's verdict, and "Activate" (make it the default), offered only once the gate has passed.
 */
export function FineTuneProgress({ modelId }: { modelId: string }) {
  const status = useModelStatus(modelId);
  const cancel = useJobAction('cancel');
  const retry = useJobAction('retry');
  const activate = useMakeDefault();
  const s = status.data;

  if (status.error && !s) {
    const missing = status.error instanceof ApiError && status.error.status === 404;
    return <FormAlert>{missing ? 'There is no fine-tune job for this model.' : describeError(status.error)}</FormAlert>;
  }
  if (!s) {
    return (
      <p role="status" className="text-slate-700 dark:text-slate-300">
        Loading the job…
      </p>
    );
  }
  const terminal = isTerminal(s.state);
  const gatePassed = s.state === 'succeeded' && s.gate?.verdict === 'passed';
  const pct = s.total > 0 ? Math.min(100, Math.round((s.step / s.total) * 100)) : 0;
  const actionError = cancel.error ?? retry.error ?? activate.error;

  return (
    <div className="space-y-6">
      <Panel title={`Job: ${s.name}`} icon={<SlidersIcon />}>
        <div className="space-y-4">
          <p aria-live="polite" role="status" className="text-base" data-testid="job-state">
            <span className="font-semibold">{STATE_LABEL[s.state]}</span>
            {s.total > 0 ? ` — step ${s.step} of ${s.total} (${pct}%)` : ''}
            {!terminal && s.etaSeconds != null ? `, about ${formatEta(s.etaSeconds)} left` : ''}.
          </p>
          {!terminal ? (
            <progress
              className="h-2 w-full accent-teal-700"
              aria-label="Training progress"
              max={s.total || undefined}
              value={s.total ? s.step : undefined}
            />
          ) : null}
          <dl className="grid grid-cols-2 gap-x-6 gap-y-2 text-sm sm:grid-cols-4">
            <div>
              <dt className="text-slate-600 dark:text-slate-400">Tokens a second</dt>
              <dd className="font-semibold">{s.tokensPerSecond == null ? '—' : Math.round(s.tokensPerSecond)}</dd>
            </div>
            <div>
              <dt className="text-slate-600 dark:text-slate-400">Time left</dt>
              <dd className="font-semibold">{terminal ? '—' : formatEta(s.etaSeconds)}</dd>
            </div>
            <div>
              <dt className="text-slate-600 dark:text-slate-400">Latest loss</dt>
              <dd className="font-semibold">{num(s.loss.at(-1)?.value ?? null)}</dd>
            </div>
            <div>
              <dt className="text-slate-600 dark:text-slate-400">Latest held-out loss</dt>
              <dd className="font-semibold">{num(s.evalLoss.at(-1)?.value ?? null)}</dd>
            </div>
          </dl>
          {s.error ? <FormAlert>{s.error}</FormAlert> : null}
          {actionError ? <FormAlert>{describeError(actionError)}</FormAlert> : null}
          {activate.isSuccess ? (
            <FormAlert tone="info">
              {activate.data.name} is now the default model: the next replies come from it.
            </FormAlert>
          ) : null}
          <div className="flex flex-wrap gap-3">
            {!terminal ? (
              <Button variant="danger" disabled={cancel.isPending} onClick={() => cancel.mutate(modelId)}>
                {cancel.isPending ? 'Cancelling…' : 'Cancel'}
              </Button>
            ) : null}
            {terminal && s.retryable ? (
              <Button variant="secondary" disabled={retry.isPending} onClick={() => retry.mutate(modelId)}>
                {retry.isPending ? 'Starting again…' : 'Retry'}
              </Button>
            ) : null}
            <Button
              disabled={!gatePassed || activate.isPending || activate.isSuccess}
              aria-describedby={gatePassed ? undefined : `activate-why-${modelId}`}
              onClick={() => activate.mutate(modelId)}
            >
              {activate.isPending ? 'Activating…' : 'Activate (make default)'}
            </Button>
            {gatePassed ? null : (
              <p id={`activate-why-${modelId}`} className="self-center text-sm text-slate-700 dark:text-slate-300">
                Activation needs a finished job whose gate has passed.
              </p>
            )}
          </div>
        </div>
      </Panel>
      <div className="grid gap-6 lg:grid-cols-2">
        <Panel title="Loss" icon={<ChartIcon />}>
          <LossChart loss={s.loss} evalLoss={s.evalLoss} baseEvalLoss={s.baseEvalLoss} />
        </Panel>
        <Panel title="Activation gate" icon={<ShieldIcon />}>
          <GateTable gate={s.gate} />
        </Panel>
      </div>
      {s.events.length ? (
        <Panel title="Events">
          <ol className="space-y-1 text-sm">
            {s.events.slice(-15).map((e, i) => (
              <li key={`${e.at}-${i}`}>
                <time dateTime={e.at} className="text-slate-600 dark:text-slate-400">
                  {new Date(e.at).toLocaleTimeString()}
                </time>{' '}
                <span className="font-semibold">{e.event}</span>
                {e.detail ? ` — ${e.detail}` : ''}
              </li>
            ))}
          </ol>
        </Panel>
      ) : null}
    </div>
  );
}
