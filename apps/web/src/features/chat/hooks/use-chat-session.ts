import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { Chat } from '@medichat/shared';
import { ChatSession, type ChatViewState } from '../lib/chat-session';

const noopSubscribe = () => () => {};

/** The live state of one chat (see chat-session.ts), for as long as the component shows it. */
export function useChatSession(options: {
  chatId: string;
  owner: string;
  knownOnServer: boolean;
  onChatChanged?: (chat: Chat | null) => void;
}): { session: ChatSession | null; state: ChatViewState | null } {
  const { chatId, owner, knownOnServer } = options;
  const changed = useRef(options.onChatChanged);
  changed.current = options.onChatChanged;
  const known = useRef(knownOnServer);
  known.current = knownOnServer;
  const [session, setSession] = useState<ChatSession | null>(null);

  useEffect(() => {
    const s = new ChatSession({
      chatId,
      owner,
      knownOnServer: known.current,
      onChatChanged: (chat) => changed.current?.(chat),
    });
    setSession(s);
    void s.start().then(() => {
      if (known.current) s.markKnownOnServer();
    });
    return () => {
      s.dispose();
      setSession((current) => (current === s ? null : current));
    };
  }, [chatId, owner]);

  useEffect(() => {
    if (knownOnServer) session?.markKnownOnServer();
  }, [knownOnServer, session]);

  const state = useSyncExternalStore(
    session?.subscribe ?? noopSubscribe,
    () => session?.getState() ?? null,
    () => null,
  );
  return { session, state: state?.chatId === chatId ? state : null };
}
