import { modelDisplayName, type Message } from '@medichat/shared';
import { Button } from '@/components/ui/button';
import { AlertIcon, ChatIcon, UserIcon } from '@/components/ui/icons';
import { cn } from '@/lib/cn';
import type { ConnectionState, ModelProgress, PendingSend, QueuedReply } from '../lib/chat-session';
import { MarkdownText } from './markdown';
import { Citations, SafetyWarnings } from './reply-annotations';
import { ReadAloudButton } from './voice-controls';

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

function Time({ iso }: { iso: string }) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  return (
    <time dateTime={iso} className="text-xs font-normal text-slate-600 dark:text-slate-400">
      {timeFormat.format(date)}
    </time>
  );
}

function Author({ role }: { role: 'user' | 'assistant' }) {
  return role === 'user' ? (
    <span className="flex items-center gap-1.5 text-sm font-semibold text-teal-900 dark:text-teal-200">
      <UserIcon className="size-4" />
      You
    </span>
  ) : (
    <span className="flex items-center gap-1.5 text-sm font-semibold text-slate-900 dark:text-slate-100">
      <ChatIcon className="size-4" />
      Medichat
    </span>
  );
}

function Badge({ tone, children }: { tone: 'neutral' | 'warn' | 'error' | 'urgent'; children: string }) {
  return (
    <span
      className={cn(
        'rounded-full px-2 py-0.5 text-xs font-semibold',
        tone === 'neutral' && 'bg-slate-200 text-slate-800 dark:bg-slate-700 dark:text-slate-100',
        tone === 'warn' && 'bg-amber-100 text-amber-900 dark:bg-amber-900/60 dark:text-amber-100',
        tone === 'error' && 'bg-red-100 text-red-900 dark:bg-red-900/60 dark:text-red-100',
        tone === 'urgent' && 'bg-red-700 text-white dark:bg-red-400 dark:text-slate-950',
      )}
    >
      {children}
    </span>
  );
}

const bubble = {
  user: 'border-teal-200 bg-teal-50 dark:border-teal-900 dark:bg-teal-950/60',
  assistant: 'border-slate-200 bg-slate-50 dark:border-slate-700 dark:bg-slate-800/70',
} as const;

interface MessageItemProps {
  message: Message;
  progress?: ModelProgress;
  /** Waiting for a free model slot. */
  queued?: QueuedReply;
  onRetry: (messageId: string) => void;
}

/** "Waiting for the model: 2 replies ahead of yours, about 8 s." */
function queueText(q: QueuedReply): string {
  const ahead = q.ahead === 1 ? '1 reply is' : `${q.ahead} replies are`;
  const eta = q.etaMs !== null ? `, about ${Math.max(1, Math.round(q.etaMs / 1000))} s` : '';
  return `Waiting for the model: ${ahead} ahead of yours (place ${q.position} in the queue${eta}).`;
}

/** A stored (or streaming) message. */
export function MessageItem({ message, progress, queued, onRetry }: MessageItemProps) {
  const live = message.status === 'pending' || message.status === 'streaming';
  const isAssistant = message.role === 'assistant';
  return (
    <li
      className={cn('rounded-2xl border px-4 py-3', bubble[message.role])}
      data-role={message.role}
      data-status={message.status}
      data-message-id={message.id}
      aria-busy={live || undefined}
    >
      <div className="mb-1 flex flex-wrap items-center gap-x-3 gap-y-1">
        <Author role={message.role} />
        <Time iso={message.createdAt} />
        {isAssistant && message.triage ? (
          <Badge tone="urgent">{message.triage === 'emergency' ? 'Emergency advice' : 'Urgent advice'}</Badge>
        ) : null}
        {message.status === 'stopped' ? <Badge tone="warn">Stopped</Badge> : null}
        {message.status === 'failed' ? <Badge tone="error">Failed</Badge> : null}
        {isAssistant && message.truncated ? <Badge tone="warn">Cut off</Badge> : null}
      </div>

      {isAssistant ? <SafetyWarnings warnings={message.safety ?? []} /> : null}

      {message.content ? (
        <div className="text-[0.95rem] leading-relaxed">
          <MarkdownText>{message.content}</MarkdownText>
          {live ? (
            <span
              aria-hidden="true"
              className="inline-block h-4 w-2 bg-slate-500 align-text-bottom motion-safe:animate-pulse"
            />
          ) : null}
        </div>
      ) : null}

      {isAssistant ? <Citations citations={message.citations ?? []} /> : null}

      {isAssistant && !live && message.content ? (
        <div className="mt-1">
          <ReadAloudButton message={message} />
        </div>
      ) : null}

      {/* Which model answered (issue #13): the stored reply names it. */}
      {isAssistant && message.model && !live ? (
        <p className="mt-1 text-xs text-slate-600 dark:text-slate-400" data-testid="answered-by" title={message.model}>
          Answered by {modelDisplayName(message.model)}
        </p>
      ) : null}

      {isAssistant && live && !message.content ? (
        progress ? (
          <div className="mt-1 space-y-1 text-sm text-slate-700 dark:text-slate-300">
            <label className="block" htmlFor={`progress-${message.id}`}>
              {progress.phase === 'download' ? 'Downloading' : 'Loading'} the model {progress.model}… (first use)
            </label>
            <progress
              id={`progress-${message.id}`}
              max={1}
              value={progress.progress}
              className="h-2 w-full max-w-xs overflow-hidden rounded-full accent-teal-700"
            >
              {Math.round(progress.progress * 100)}%
            </progress>
          </div>
        ) : queued ? (
          <p className="text-sm text-slate-700 italic dark:text-slate-300" data-testid="reply-queued">
            {queueText(queued)}
          </p>
        ) : (
          <p className="text-sm text-slate-700 italic dark:text-slate-300">Writing a reply…</p>
        )
      ) : null}

      {isAssistant && message.status === 'failed' ? (
        <div className="mt-2 flex flex-wrap items-center gap-3">
          <p className="flex items-center gap-1.5 text-sm text-red-800 dark:text-red-200">
            <AlertIcon className="size-4 shrink-0" />
            {message.error?.detail ?? 'The reply could not be generated.'}
          </p>
          <Button variant="secondary" className="min-h-9 px-3 py-1" onClick={() => onRetry(message.id)}>
            Retry
          </Button>
        </div>
      ) : null}

      {isAssistant && message.status === 'stopped' ? (
        <div className="mt-2">
          <Button variant="ghost" className="min-h-9 px-3 py-1" onClick={() => onRetry(message.id)}>
            Regenerate
          </Button>
        </div>
      ) : null}
    </li>
  );
}

interface PendingItemProps {
  entry: PendingSend;
  connection: ConnectionState;
  onResend: (clientId: string) => void;
  onDiscard: (clientId: string) => void;
}

/** A message typed here that the server has not stored yet. */
export function PendingItem({ entry, connection, onResend, onDiscard }: PendingItemProps) {
  const offline = connection === 'offline' || connection === 'waiting';
  const label =
    entry.phase === 'failed'
      ? 'Not sent'
      : entry.phase === 'sending'
        ? 'Sending…'
        : offline
          ? 'Queued: sends when you are back online'
          : 'Queued';
  return (
    <li
      className={cn('rounded-2xl border border-dashed px-4 py-3', bubble.user)}
      data-role="user"
      data-status={entry.phase}
      data-client-id={entry.clientId}
    >
      <div className="mb-1 flex flex-wrap items-center gap-x-3 gap-y-1">
        <Author role="user" />
        <Time iso={entry.createdAt} />
        <Badge tone={entry.phase === 'failed' ? 'error' : 'neutral'}>{label}</Badge>
      </div>
      <p className="text-[0.95rem] leading-relaxed break-words whitespace-pre-wrap">{entry.content}</p>
      {entry.phase === 'failed' ? (
        <div className="mt-2 flex flex-wrap items-center gap-3">
          <p className="text-sm text-red-800 dark:text-red-200">{entry.error?.detail ?? 'The server refused it.'}</p>
          <Button variant="secondary" className="min-h-9 px-3 py-1" onClick={() => onResend(entry.clientId)}>
            Try again
          </Button>
          <Button variant="ghost" className="min-h-9 px-3 py-1" onClick={() => onDiscard(entry.clientId)}>
            Delete
          </Button>
        </div>
      ) : null}
    </li>
  );
}
