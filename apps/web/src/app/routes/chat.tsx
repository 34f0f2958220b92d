import { PageContainer } from '@/components/layouts/root-layout';
import { ButtonLink } from '@/components/ui/button';
import { DocumentTitle } from '@/components/ui/document-title';
import { PageHeader } from '@/components/ui/page-header';
import { useSession } from '@/lib/auth-store';
import { ChatPane } from '@/features/chat/components/chat-pane';
import { SmallModelNotice } from '@/features/models/components/model-notice';
import { ModelSelect } from '@/features/models/components/model-select';

/** The chat page: a guest chat for visitors (kept on this device, works offline), everyone's chats once signed in. */
export function Component() {
  const session = useSession();
  const signedIn = session.status === 'signed-in';
  return (
    <PageContainer compact>
      <DocumentTitle title={signedIn ? 'Chat' : 'Guest chat'} />
      <PageHeader
        compact
        eyebrow={signedIn ? undefined : 'No account needed'}
        title={signedIn ? 'Chat' : 'Guest chat'}
        description={
          signedIn
            ? 'Ask the assistant about symptoms, medicines or test results. Replies appear as they are written.'
            : 'Ask the assistant anything about your health. Your guest chat is kept on this device and works offline.'
        }
        actions={
          signedIn ? undefined : (
            <ButtonLink to="/register?redirect=%2Fchat" variant="secondary">
              Create an account to keep it
            </ButtonLink>
          )
        }
      />
      <ChatPane
        layout="page"
        toolbar={({ hasToken }) => <ModelSelect enabled={hasToken} />}
        notice={({ hasToken }) => <SmallModelNotice enabled={hasToken} className="max-sm:text-xs" />}
      />
    </PageContainer>
  );
}
