import { useCallback, useEffect, useId, useMemo, useState, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { Button } from '@/components/ui/button';
import { EmergencyNotice } from '@/components/ui/emergency-notice';
import { ChatIcon } from '@/components/ui/icons';
import { Panel } from '@/components/ui/panel';
import { cn } from '@/lib/cn';
import { chatKeys } from '../api/keys';
import { useChatList } from '../hooks/use-chat-list';
import { useOnline } from '@/hooks/use-online';
import { useChatCacheHousekeeping, useChatIdentity } from '../lib/chat-identity';
import { newClientId } from '../lib/chat-session';
import { registerOfflineShell } from '../lib/offline-shell';
import { ChatList, chatTitle } from './chat-list';
import { ChatWindow } from './chat-window';

interface ChatPaneProps {
  className?: string;
  /** The pane's heading; the guest page and the dashboard word it differently. */
  title?: string;
  /** `page`: the chat list beside the conversation on wide screens; `pane`: behind a "Chats" button. */
  layout?: 'page' | 'pane';
  /**
   * Extra controls for the pane's header (the model picker, from the app layer). A function gets
   * whether the chat has a session yet, so the control can wait for one (a request without would be a 401).
   */
  toolbar?: ReactNode | ((context: { hasToken: boolean; owner: string }) => ReactNode);
  /** A note above the conversation (which model answers and its limits, from the app layer). */
  notice?: ReactNode | ((context: { hasToken: boolean; owner: string }) => ReactNode);
}

const LAST_CHAT_KEY = 'medichat-last-chat';

/**
 * The chat last opened by `owner` on this device. An account that has none yet takes over the
 * guest's (issue #13): signing up or in from a guest chat moves the guest's chats to the account,
 * so the person lands on the conversation they were having, not on an empty "New chat". The guest's
 * pointer is moved, not copied, so a later account on this device does not get it too.
 */
function lastChat(owner: string): string | null {
  try {
    const own = localStorage.getItem(`${LAST_CHAT_KEY}:${owner}`);
    if (own || !owner.startsWith('user:')) return own;
    const guest = localStorage.getItem(`${LAST_CHAT_KEY}:guest`);
    if (!guest) return null;
    localStorage.setItem(`${LAST_CHAT_KEY}:${owner}`, guest);
    localStorage.removeItem(`${LAST_CHAT_KEY}:guest`);
    return guest;
  } catch {
    return null;
  }
}

function rememberChat(owner: string, chatId: string): void {
  try {
    localStorage.setItem(`${LAST_CHAT_KEY}:${owner}`, chatId);
  } catch {
    // Not remembered: the next visit opens a new chat.
  }
}

const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The chat: list of chats, the open conversation, new chat. The open chat is in the URL
 * (`?chat=<id>`), so a reload or a shared tab shows the same one; without it, the last one opened
 * on this device. A new chat gets a client-made id at once and exists on the server from its first
 * message on (offline too: it is created when the connection comes back).
 */
export function ChatPane({ className, title = 'Conversation', layout = 'page', toolbar, notice }: ChatPaneProps) {
  const identity = useChatIdentity();
  const online = useOnline();
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const [draftId, setDraftId] = useState(newClientId);
  const [listOpen, setListOpen] = useState(false);
  const listId = useId();
  const { owner } = identity;
  useChatCacheHousekeeping(identity);

  useEffect(() => registerOfflineShell(), []);

  const param = params.get('chat');
  const selectedId = useMemo(() => {
    if (param && ID_PATTERN.test(param)) return param;
    return lastChat(owner) ?? draftId;
  }, [param, owner, draftId]);

  useEffect(() => {
    rememberChat(owner, selectedId);
  }, [owner, selectedId]);

  const list = useChatList(owner, identity.ready && identity.hasToken, online);
  const select = useCallback(
    (chatId: string) => {
      setParams(
        (p) => {
          const next = new URLSearchParams(p);
          next.set('chat', chatId);
          return next;
        },
        { replace: true },
      );
      setListOpen(false);
    },
    [setParams],
  );

  const newChat = useCallback(() => {
    const id = newClientId();
    setDraftId(id);
    select(id);
  }, [select]);

  const onChatChanged = useCallback(() => {
    void queryClient.invalidateQueries({ queryKey: chatKeys.all });
  }, [queryClient]);

  const current = list.items.find((c) => c.id === selectedId);
  const showSidebar = layout === 'page';

  const listView = (
    <ChatList
      list={list}
      selectedId={selectedId}
      onSelect={select}
      onDeleted={(id) => {
        if (id === selectedId) newChat();
      }}
      className="max-h-72 lg:max-h-none"
    />
  );

  return (
    <Panel
      title={title}
      icon={<ChatIcon />}
      className={cn('min-w-0', className)}
      bodyClassName="flex flex-col gap-3 p-3 sm:gap-4 sm:p-5"
      actions={
        <div className="flex w-full min-w-0 items-center justify-end gap-2 sm:w-auto">
          <div className="flex min-w-0 flex-1 justify-end">
            {typeof toolbar === 'function'
              ? toolbar({ hasToken: identity.ready && identity.hasToken, owner })
              : toolbar}
          </div>
          <Button variant="secondary" className="min-h-10 shrink-0 px-3 py-1.5" onClick={newChat}>
            New chat
          </Button>
        </div>
      }
    >
      {typeof notice === 'function' ? notice({ hasToken: identity.ready && identity.hasToken, owner }) : notice}
      <div className={cn('grid min-h-0 flex-1 gap-4', showSidebar && 'lg:grid-cols-[15rem_minmax(0,1fr)]')}>
        <div
          className={cn('min-w-0', showSidebar && 'lg:border-r lg:border-slate-200 lg:pr-4 lg:dark:border-slate-800')}
        >
          <div className={cn(showSidebar && 'lg:hidden')}>
            <button
              type="button"
              aria-expanded={listOpen}
              aria-controls={listId}
              onClick={() => setListOpen((o) => !o)}
              className="flex min-h-11 w-full items-center justify-between gap-3 rounded-lg border border-slate-300 px-3 py-2 text-left text-sm hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
            >
              <span className="min-w-0 truncate font-semibold">{current ? chatTitle(current) : 'New chat'}</span>
              <span className="shrink-0 text-slate-700 dark:text-slate-300">
                {listOpen ? 'Hide chats' : `Your chats (${list.items.length})`}
              </span>
            </button>
            <div id={listId} hidden={!listOpen} className="mt-2">
              {listOpen ? listView : null}
            </div>
          </div>
          {showSidebar ? <div className="hidden lg:block">{listView}</div> : null}
        </div>
        {identity.ready ? (
          <ChatWindow
            key={`${owner}:${selectedId}`}
            chatId={selectedId}
            owner={owner}
            knownOnServer={list.serverIds.has(selectedId)}
            onChatChanged={onChatChanged}
            onNewChat={newChat}
            className="min-w-0"
          />
        ) : (
          <p className="py-10 text-center text-slate-700 dark:text-slate-300">Checking your session…</p>
        )}
      </div>
      <EmergencyNotice compact />
    </Panel>
  );
}
