import { useState } from 'react';
import { useLocation } from 'react-router';
import { useFitHeight } from '@/hooks/use-fit-height';
import type { Chat, TriageLevelId } from '@medichat/shared';
import { Button } from '@/components/ui/button';
import { cn } from '@/lib/cn';
import { useChatSession } from '../hooks/use-chat-session';
import { useOnline } from '@/hooks/use-online';
import type { ChatViewState, ConnectionState } from '../lib/chat-session';
import { Composer } from './composer';
import { VoiceButton } from './voice-controls';
import { MessageList } from './message-list';
import { UrgentBanner } from './urgent-banner';

interface ChatWindowProps {
  chatId: string;
  owner: string;
  knownOnServer: boolean;
  onChatChanged?: (chat: Chat | null) => void;
  onNewChat: () => void;
  className?: string;
}

function latestTriage(state: ChatViewState): TriageLevelId | null {
  for (let i = state.messages.length - 1; i >= 0; i--) {
    const t = state.messages[i]!.triage;
    if (t) return t;
  }
  return null;
}

function ConnectionNote({ connection, queued }: { connection: ConnectionState; queued: number }) {
  let text: string | null = null;
  if (connection === 'offline') {
    text = queued
      ? `You are offline. ${queued === 1 ? '1 message is' : `${queued} messages are`} queued and will be sent when you reconnect.`
      : 'You are offline. You can read this chat and write messages; they are sent when you reconnect.';
  } else if (connection === 'waiting' || connection === 'connecting') {
    text = queued ? 'Connecting to Medichat… Your messages will be sent as soon as it answers.' : null;
  }
  return (
    <p
      role="status"
      className={cn(
        'text-sm',
        text
          ? 'rounded-lg border border-slate-300 bg-slate-100 px-3 py-2 text-slate-800 dark:border-slate-700 dark:bg-slate-800 dark:text-slate-100'
          : 'sr-only',
      )}
    >
      {text}
    </p>
  );
}

/** One conversation: urgent banner, history, composer. */
export function ChatWindow({ chatId, owner, knownOnServer, onChatChanged, onNewChat, className }: ChatWindowProps) {
  const { session, state } = useChatSession({ chatId, owner, knownOnServer, onChatChanged });
  const [followSignal, setFollowSignal] = useState(0);
  const online = useOnline();
  // A question typed on the landing page arrives as the draft of the first chat.
  const location = useLocation();
  const draft = (location.state as { draft?: unknown } | null)?.draft;
  // The window ends at the bottom of the first screen: the message box is visible without scrolling.
  const fitted = useFitHeight<HTMLDivElement>({ min: 240, max: 720 });

  if (!session || !state || state.status === 'loading') {
    return (
      <div className={cn('flex flex-col', className)} aria-busy="true">
        <p className="py-10 text-center text-slate-700 dark:text-slate-300">Loading the conversation…</p>
      </div>
    );
  }

  if (state.status === 'missing') {
    return (
      <div className={cn('flex flex-col items-center justify-center gap-4 text-center', className)}>
        <p className="text-slate-800 dark:text-slate-200">
          This chat is not available any more. It may have been deleted, or it belonged to an earlier guest session.
        </p>
        <Button onClick={onNewChat}>Start a new chat</Button>
      </div>
    );
  }

  const live = state.messages.find(
    (m) => m.role === 'assistant' && (m.status === 'pending' || m.status === 'streaming'),
  );
  const triage = latestTriage(state);
  const queued = state.outbox.filter((e) => e.phase !== 'failed').length;
  // The browser knows it is offline before the socket does (and a chat not synced yet has no socket).
  const connection: ConnectionState = online ? state.connection : 'offline';

  return (
    <div
      ref={fitted}
      className={cn('flex flex-col gap-3', className)}
      data-chat-id={chatId}
      data-connection={connection}
    >
      {triage ? <UrgentBanner level={triage} /> : null}
      {state.notice ? (
        <div className="flex items-start justify-between gap-3 rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950 dark:border-amber-700 dark:bg-amber-950/50 dark:text-amber-50">
          <p>{state.notice}</p>
          <Button variant="ghost" className="min-h-8 px-2 py-0.5" onClick={() => session.dismissNotice()}>
            Dismiss
          </Button>
        </div>
      ) : null}
      <MessageList state={state} connection={connection} session={session} followSignal={followSignal} />
      <div aria-live="polite" aria-atomic="true" className="sr-only" data-testid="chat-announcer">
        {state.announcement?.text}
      </div>
      {/* Beside the message box, where the person is typing, not at the top out of view. */}
      <ConnectionNote connection={connection} queued={queued} />
      <Composer
        initialText={typeof draft === 'string' ? draft : undefined}
        onSend={(text) => {
          void session.send(text);
          setFollowSignal((n) => n + 1);
        }}
        onStop={live ? () => session.stop(live.id) : undefined}
        extra={<VoiceButton onVoice={(audio) => session.sendVoice(audio)} />}
      />
    </div>
  );
}
