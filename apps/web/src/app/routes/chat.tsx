import { PageContainer } from '@/components/layouts/root-layout';
import { ButtonLink } from '@/components/ui/button';
import { DocumentTitle } from '@/components/ui/document-title';
import { PageHeader } from '@/components/ui/page-header';
import { ChatPane } from '@/features/chat/components/chat-pane';

export function Component() {
  return (
    <PageContainer>
      <DocumentTitle title="Guest chat" />
      <PageHeader
        eyebrow="No account needed"
        title="Guest chat"
        description="Ask the assistant anything about your health. Your guest chat is kept on this device."
        actions={
          <ButtonLink to="/register" variant="secondary">
            Create an account to keep it
          </ButtonLink>
        }
      />
      <ChatPane className="min-h-[32rem] lg:min-h-[36rem]" />
    </PageContainer>
  );
}
