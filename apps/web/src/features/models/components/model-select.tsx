import { useId } from 'react';
import { modelDisplayName } from '@medichat/shared';
import { useOnline } from '@/hooks/use-online';
import { getGuestToken, useSession } from '@/lib/auth-store';
import { cn } from '@/lib/cn';
import { useModels } from '../api/get-models';
import { useSelectModel } from '../api/select-model';

/**
 * Which model answers. Signed-in people choose from the available models (the choice applies to
 * their next message; replies in flight finish on the model they started with). Guests always get
 * the default, so for them this only names it. A model's first use shows its load progress in the
 * chat itself. Names are readable (`modelDisplayName`: "SmolLM2 135M Instruct (Q4_1)", the slug in
 * the tooltip); the default is listed once, first, marked "default".
 */
export function ModelSelect({ className, enabled = true }: { className?: string; enabled?: boolean }) {
  const session = useSession();
  const id = useId();
  const signedIn = session.status === 'signed-in';
  const owner = signedIn && session.user ? `user:${session.user.id}` : 'guest';
  // `enabled` comes from the chat, which knows when a guest session appears; this re-reads the token then.
  const hasToken = enabled && Boolean(session.accessToken ?? getGuestToken());
  const online = useOnline();
  const models = useModels(owner, enabled && online && session.status !== 'unknown' && hasToken);
  const select = useSelectModel();

  const data = models.data;
  if (!data || data.items.length === 0) return null;
  const defaultModel = data.items.find((m) => m.id === data.defaultModelId);
  const selected = select.isPending ? (select.variables ?? '') : (data.selectedModelId ?? '');

  if (!signedIn) {
    return defaultModel ? (
      <p className={cn('text-sm text-slate-700 dark:text-slate-300', className)}>
        Model:{' '}
        <span className="font-semibold text-slate-900 dark:text-slate-100" title={defaultModel.name}>
          {modelDisplayName(defaultModel.name)}
        </span>
      </p>
    ) : null;
  }

  return (
    <div className={cn('flex min-w-0 max-w-full flex-1 items-center gap-2', className)}>
      <label htmlFor={id} className="text-sm font-semibold text-slate-900 dark:text-slate-100">
        Model
      </label>
      <select
        id={id}
        value={selected}
        disabled={select.isPending}
        onChange={(e) => select.mutate(e.target.value === '' ? null : e.target.value)}
        aria-describedby={select.error ? `${id}-error` : undefined}
        className="min-h-10 w-full min-w-0 flex-1 truncate rounded-lg border sm:max-w-[16rem] border-slate-500 bg-white px-2 py-1.5 text-sm text-slate-900 dark:border-slate-400 dark:bg-slate-950 dark:text-slate-100"
      >
        <option value="" title={defaultModel?.name}>
          {defaultModel ? `${modelDisplayName(defaultModel.name)} (default)` : 'Default'}
        </option>
        {/* The default is the first option already: not listed twice. */}
        {data.items.filter((m) => m.id !== data.defaultModelId).map((m) => (
          <option key={m.id} value={m.id} title={m.name}>
            {modelDisplayName(m.name)}
            {m.kind === 'fine-tuned' ? ' (fine-tuned)' : ''}
          </option>
        ))}
      </select>
      {select.error ? (
        <span id={`${id}-error`} role="alert" className="text-sm text-red-800 dark:text-red-300">
          {select.error.message}
        </span>
      ) : null}
    </div>
  );
}
