import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { Button } from '@/components/ui/button';
import type { ChatSession, ChatViewState, ConnectionState } from '../lib/chat-session';
import { MessageItem, PendingItem } from './message-item';

interface MessageListProps {
  state: ChatViewState;
  connection: ConnectionState;
  session: ChatSession;
  /** Bumped when the person sends: the view follows the conversation again. */
  followSignal: number;
}

/** Within this many pixels of the end counts as "at the bottom". */
const STICKY_PX = 48;

/**
 * The scrolling history. Follows new text while the reader is at the bottom, and leaves them alone
 * (with a "Jump to the latest" button) once they scroll up. Older pages load when the top comes
 * into view, or with the "Load earlier messages" button, without moving what is on screen.
 */
export function MessageList({ state, connection, session, followSignal }: MessageListProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const sentinel = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const anchor = useRef<{ firstId: string | undefined; height: number }>({ firstId: undefined, height: 0 });
  const [showJump, setShowJump] = useState(false);
  const { messages, outbox, older } = state;

  const scrollToEnd = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    el.scrollTop = el.scrollHeight;
    atBottom.current = true;
    setShowJump(false);
  }, []);

  const onScroll = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight <= STICKY_PX;
    if (atBottom.current) setShowJump(false);
  }, []);

  useEffect(() => {
    atBottom.current = true;
    scrollToEnd();
  }, [followSignal, scrollToEnd]);

  // After every change: keep older pages from pushing the view, follow the end when at it.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const firstId = messages[0]?.id;
    const prev = anchor.current;
    const prepended =
      prev.firstId !== undefined && firstId !== prev.firstId && messages.some((m) => m.id === prev.firstId);
    if (prepended) {
      el.scrollTop += el.scrollHeight - prev.height;
    } else if (atBottom.current) {
      el.scrollTop = el.scrollHeight;
    } else if (el.scrollHeight > prev.height) {
      setShowJump(true);
    }
    anchor.current = { firstId, height: el.scrollHeight };
  }, [messages, outbox]);

  // Infinite scroll up.
  useEffect(() => {
    const el = sentinel.current;
    const root = scroller.current;
    if (!el || !root || !older.hasMore || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting) && root.scrollHeight > root.clientHeight) void session.loadOlder();
      },
      { root, rootMargin: '200px 0px 0px 0px' },
    );
    observer.observe(el);
    return () => observer.disconnect();
  }, [older.hasMore, session]);

  const empty = messages.length === 0 && outbox.length === 0;

  return (
    <div className="relative min-h-0 flex-1">
      <div
        ref={scroller}
        onScroll={onScroll}
        role="region"
        aria-label="Messages"
        tabIndex={0}
        className="h-full overflow-y-auto overscroll-contain px-1 py-2"
      >
        {/* A short conversation sits at the bottom, next to the composer, like any chat. */}
        <div className="flex min-h-full flex-col justify-end">
          <div ref={sentinel} />
          {older.hasMore || older.loading || older.error ? (
            <div className="mb-3 flex flex-col items-center gap-1">
              <Button
                variant="ghost"
                className="min-h-9 px-3 py-1"
                disabled={older.loading}
                onClick={() => void session.loadOlder()}
              >
                {older.loading ? 'Loading earlier messages…' : 'Load earlier messages'}
              </Button>
              {older.error ? <p className="text-sm text-red-800 dark:text-red-200">{older.error}</p> : null}
            </div>
          ) : null}

          {empty ? (
            <div className="mx-auto max-w-md py-10 text-center text-slate-700 dark:text-slate-300">
              <p className="font-semibold text-slate-900 dark:text-slate-100">
                Ask the assistant anything about your health.
              </p>
              <p className="mt-2 text-sm">
                For example: “I have had a mild headache since yesterday. What can I take?” Your messages are kept on
                this device and are sent when you are online.
              </p>
            </div>
          ) : (
            <ol className="space-y-3" aria-label="Conversation">
              {messages.map((m) => (
                <MessageItem
                  key={m.id}
                  message={m}
                  progress={state.progress[m.id]}
                  queued={state.queued[m.id]}
                  onRetry={(id) => session.retry(id)}
                />
              ))}
              {outbox.map((e) => (
                <PendingItem
                  key={e.clientId}
                  entry={e}
                  connection={connection}
                  onResend={(id) => session.resend(id)}
                  onDiscard={(id) => session.discard(id)}
                />
              ))}
            </ol>
          )}
        </div>
      </div>
      {showJump ? (
        <Button
          variant="secondary"
          className="absolute bottom-3 left-1/2 min-h-9 -translate-x-1/2 px-3 py-1 shadow-md"
          onClick={scrollToEnd}
        >
          Jump to the latest
        </Button>
      ) : null}
    </div>
  );
}
