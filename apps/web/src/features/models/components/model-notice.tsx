import { modelDisplayName } from '@medichat/shared';
import { useOnline } from '@/hooks/use-online';
import { getGuestToken, useSession } from '@/lib/auth-store';
import { cn } from '@/lib/cn';
import { useModels } from '../api/get-models';

/**
 * Honest limits: when the model that answers this person is a small one running on the server
 * (the embedded SmolLM2 default), say so beside the chat — its answers are general information and
 * can be wrong — and tell an admin how to switch to a stronger one (a bigger `hf:` pull, or a
 * remote TGI / vLLM / Ollama server). Deterministic safety (red flags, medication warnings) does not
 * depend on the model and is not what this notice is about.
 */
export function SmallModelNotice({ className, enabled = true }: { className?: string; enabled?: boolean }) {
  const session = useSession();
  const online = useOnline();
  const signedIn = session.status === 'signed-in';
  const owner = signedIn && session.user ? `user:${session.user.id}` : 'guest';
  const hasToken = enabled && Boolean(session.accessToken ?? getGuestToken());
  const models = useModels(owner, enabled && online && session.status !== 'unknown' && hasToken);
  const data = models.data;
  if (!data) return null;
  const answering = data.items.find((m) => m.id === (data.selectedModelId ?? data.defaultModelId));
  if (!answering?.small) return null;
  const admin = signedIn && session.user?.role === 'admin';
  return (
    <p
      role="note"
      data-testid="small-model-notice"
      className={cn(
        'rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100',
        className,
      )}
    >
      Answers come from{' '}
      <span className="font-semibold" title={answering.name}>
        {modelDisplayName(answering.name)}
      </span>
      , a small model running offline on
      this server. It can be wrong: use it for general information, never instead of a doctor or pharmacist.{' '}
      {admin ? (
        <>
          To switch to a stronger model, pull one (<code>npm run medichat -- models pull hf:&lt;repo&gt;</code>) or
          register a TGI, vLLM or Ollama server, then make it the default.
        </>
      ) : (
        'An administrator of this service can switch to a stronger model.'
      )}
    </p>
  );
}
