import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { CloseIcon } from '@/components/ui/icons';
import { cn } from '@/lib/cn';
import { useDeleteChat } from '../api/delete-chat';
import type { ChatListItem, ChatListView } from '../hooks/use-chat-list';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';

const dateFormat = new Intl.DateTimeFormat(undefined, {
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
});

export function chatTitle(chat: Pick<ChatListItem, 'title'>): string {
  return chat.title.trim() || 'New chat';
}

interface ChatListProps {
  list: ChatListView;
  selectedId: string;
  onSelect: (chatId: string) => void;
  onDeleted: (chatId: string) => void;
  className?: string;
}

/** The person's chats, newest activity first, each with a delete button (confirmed first). */
export function ChatList({ list, selectedId, onSelect, onDeleted, className }: ChatListProps) {
  const [toDelete, setToDelete] = useState<ChatListItem | null>(null);
  const remove = useDeleteChat();

  const confirmDelete = () => {
    if (!toDelete) return;
    const chat = toDelete;
    remove.mutate(
      { chatId: chat.id, local: chat.local },
      {
        onSuccess: () => {
          setToDelete(null);
          onDeleted(chat.id);
        },
      },
    );
  };

  return (
    <nav aria-label="Your chats" className={cn('flex min-h-0 flex-col', className)}>
      {list.isLoading ? (
        <p className="px-2 py-3 text-sm text-slate-700 dark:text-slate-300">Loading your chats…</p>
      ) : list.items.length === 0 ? (
        <p className="px-2 py-3 text-sm text-slate-700 dark:text-slate-300">
          No chats yet. Your conversations appear here.
        </p>
      ) : (
        <ul className="min-h-0 space-y-1 overflow-y-auto">
          {list.items.map((chat) => {
            const selected = chat.id === selectedId;
            const title = chatTitle(chat);
            return (
              <li key={chat.id} className="group flex items-stretch gap-1" data-chat-id={chat.id}>
                <button
                  type="button"
                  onClick={() => onSelect(chat.id)}
                  aria-current={selected ? 'true' : undefined}
                  className={cn(
                    'min-h-11 min-w-0 flex-1 rounded-lg px-3 py-2 text-left text-sm',
                    selected
                      ? 'bg-teal-50 font-semibold text-teal-950 ring-1 ring-teal-700 dark:bg-teal-950 dark:text-teal-50 dark:ring-teal-400'
                      : 'hover:bg-slate-100 dark:hover:bg-slate-800',
                  )}
                >
                  <span className="block truncate">{title}</span>
                  <span className="block text-xs font-normal text-slate-600 dark:text-slate-400">
                    {chat.local ? 'Not synced yet' : dateFormat.format(new Date(chat.updatedAt))}
                  </span>
                </button>
                <button
                  type="button"
                  onClick={() => {
                    remove.reset();
                    setToDelete(chat);
                  }}
                  aria-label={`Delete chat: ${title}`}
                  className="flex min-h-11 min-w-11 items-center justify-center rounded-lg text-slate-600 hover:bg-red-50 hover:text-red-800 dark:text-slate-400 dark:hover:bg-red-950 dark:hover:text-red-200"
                >
                  <CloseIcon className="size-4" />
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {list.hasMore ? (
        <Button
          variant="ghost"
          className="mt-2 min-h-9 px-3 py-1"
          disabled={list.isFetchingMore}
          onClick={list.loadMore}
        >
          {list.isFetchingMore ? 'Loading…' : 'Show older chats'}
        </Button>
      ) : null}
      {list.fromCache && list.items.length > 0 ? (
        <p className="mt-2 px-2 text-xs text-slate-600 dark:text-slate-400">Saved on this device.</p>
      ) : null}

      <ConfirmDialog
        open={toDelete !== null}
        title="Delete this chat?"
        confirmLabel="Delete chat"
        tone="danger"
        busy={remove.isPending}
        busyLabel="Deleting…"
        error={remove.error ? remove.error.message : null}
        onConfirm={confirmDelete}
        onCancel={() => setToDelete(null)}
      >
        <p>
          “{toDelete ? chatTitle(toDelete) : ''}” and all its messages will be deleted, here and on the server. This
          cannot be undone.
        </p>
      </ConfirmDialog>
    </nav>
  );
}
