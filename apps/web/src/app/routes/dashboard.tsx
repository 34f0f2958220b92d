import { PageContainer } from '@/components/layouts/root-layout';
import { DocumentTitle } from '@/components/ui/document-title';
import { PageHeader } from '@/components/ui/page-header';
import { CallPanel } from '@/features/calls';
import { ChatPane } from '@/features/chat/components/chat-pane';
import { SmallModelNotice } from '@/features/models/components/model-notice';
import { ModelSelect } from '@/features/models/components/model-select';
import { NewsCard } from '@/features/news/components/news-card';

/**
 * The final grid: chat in the middle (first on small screens, where it matters most), the voice
 * call panel on the left and health news on the right from `lg` up.
 */
export function Component() {
  return (
    <PageContainer>
      <DocumentTitle title="Dashboard" />
      <PageHeader
        title="Dashboard"
        description="Your conversation, voice consultations and health news in one place."
      />
      <div className="grid gap-6 lg:grid-cols-[minmax(0,18rem)_minmax(0,1fr)_minmax(0,18rem)]">
        <ChatPane
          layout="pane"
          toolbar={({ hasToken }) => <ModelSelect enabled={hasToken} />}
          notice={({ hasToken }) => <SmallModelNotice enabled={hasToken} />}
          className="lg:order-2 lg:min-h-[36rem]"
        />
        <CallPanel className="lg:order-1" />
        <NewsCard className="lg:order-3" />
      </div>
    </PageContainer>
  );
}
