import { Link } from 'react-router';
import { PageContainer } from '@/components/layouts/root-layout';
import { DocumentTitle } from '@/components/ui/document-title';
import { PageHeader } from '@/components/ui/page-header';
import { RegisterPlaceholder } from '@/features/auth/components/register-placeholder';

export function Component() {
  return (
    <PageContainer className="max-w-xl">
      <DocumentTitle title="Create an account" />
      <PageHeader title="Create an account" description="Keep your chats and a medical card with an emergency QR." />
      <RegisterPlaceholder />
      <p className="mt-8 text-slate-700 dark:text-slate-300">
        Already registered?{' '}
        <Link to="/login" className="font-semibold text-teal-800 underline underline-offset-2 dark:text-teal-300">
          Sign in
        </Link>
        .
      </p>
    </PageContainer>
  );
}
