import { Panel } from '@/components/ui/panel';
import { ComingSoon } from '@/components/ui/coming-soon';
import { EmergencyNotice } from '@/components/ui/emergency-notice';
import { ChatIcon } from '@/components/ui/icons';
import { cn } from '@/lib/cn';

interface ChatPaneProps {
  className?: string;
  /** The pane's heading; the guest page and the dashboard word it differently. */
  title?: string;
}

/**
 * Where the conversation will live: messages, streamed replies, the composer and voice input.
 * For now an honest placeholder with the final frame (history area, then the composer's slot).
 */
export function ChatPane({ className, title = 'Conversation' }: ChatPaneProps) {
  return (
    <Panel
      title={title}
      icon={<ChatIcon />}
      className={cn('min-h-[28rem]', className)}
      bodyClassName="flex flex-col gap-4"
    >
      <ComingSoon
        className="flex-1"
        icon={<ChatIcon className="size-6" />}
        title="Your conversation with the assistant will appear here."
        status="Coming soon: text chat with replies streamed as they are written, then voice."
      >
        <p>
          Ask about symptoms, medicines or test results in your own words. Guest chats are kept on this device and work
          offline; they sync when you are back online.
        </p>
      </ComingSoon>
      <EmergencyNotice compact />
    </Panel>
  );
}
