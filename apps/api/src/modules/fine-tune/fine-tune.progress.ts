/**
 * Folds the trainer's JSON-lines progress (trainer/medichat_trainer/progress.py) into the status the
 * API serves: state, step/total, loss and eval-loss series, ETA, events.
 */
export type FineTuneState = 'queued' | 'validating' | 'running' | 'evaluating' | 'succeeded' | 'failed' | 'cancelled';

export interface FineTuneStatus {
  state: FineTuneState;
  step: number;
  total: number;
  loss: { step: number; value: number }[];
  evalLoss: { step: number; value: number }[];
  baseEvalLoss: number | null;
  etaSeconds: number | null;
  tokensPerSecond: number | null;
  error: string | null;
  events: { at: number; event: string }[];
}

export const initialStatus = (): FineTuneStatus => ({
  state: 'queued',
  step: 0,
  total: 0,
  loss: [],
  evalLoss: [],
  baseEvalLoss: null,
  etaSeconds: null,
  tokensPerSecond: null,
  error: null,
  events: [],
});

const TERMINAL: ReadonlySet<FineTuneState> = new Set(['succeeded', 'failed', 'cancelled']);
export const isTerminal = (s: FineTuneState): boolean => TERMINAL.has(s);

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Applies one stdout line; lines that are not trainer JSON are ignored (library noise). */
export function applyLine(status: FineTuneStatus, line: string): FineTuneStatus {
  let rec: Record<string, unknown>;
  try {
    const v: unknown = JSON.parse(line);
    if (!v || typeof v !== 'object' || typeof (v as { event?: unknown }).event !== 'string') return status;
    rec = v as Record<string, unknown>;
  } catch {
    return status;
  }
  if (isTerminal(status.state)) return status;
  const event = rec.event as string;
  const s: FineTuneStatus = { ...status, events: [...status.events, { at: num(rec.t) ?? 0, event }] };
  switch (event) {
    case 'validated':
      if (rec.ok === false) return { ...s, state: 'failed', error: 'dataset is invalid' };
      return { ...s, state: 'validating' };
    case 'start':
      return { ...s, state: 'running', total: num(rec.total) ?? 0, baseEvalLoss: num(rec.base_eval_loss) };
    case 'step': {
      const step = num(rec.step) ?? s.step;
      const loss = num(rec.loss);
      return {
        ...s,
        state: 'running',
        step,
        total: num(rec.total) ?? s.total,
        loss: loss === null ? s.loss : [...s.loss, { step, value: loss }],
        etaSeconds: num(rec.eta_s),
        tokensPerSecond: num(rec.tokens_per_s),
        events: status.events, // steps are series, not events
      };
    }
    case 'eval': {
      const v = num(rec.eval_loss);
      return v === null ? s : { ...s, evalLoss: [...s.evalLoss, { step: num(rec.step) ?? s.step, value: v }] };
    }
    case 'merging':
    case 'exporting':
      return { ...s, state: 'evaluating', etaSeconds: null };
    case 'done':
      return { ...s, state: 'evaluating', etaSeconds: 0 };
    case 'cancelled':
      return { ...s, state: 'cancelled', etaSeconds: null };
    case 'error':
      return { ...s, state: 'failed', error: typeof rec.message === 'string' ? rec.message : 'trainer failed' };
    default:
      return s;
  }
}
