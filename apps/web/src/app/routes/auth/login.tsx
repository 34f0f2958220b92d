import { Link } from 'react-router';
import { PageContainer } from '@/components/layouts/root-layout';
import { DocumentTitle } from '@/components/ui/document-title';
import { PageHeader } from '@/components/ui/page-header';
import { PasswordSignInPlaceholder, SignInOptions } from '@/features/auth/components/sign-in-options';

export function Component() {
  return (
    <PageContainer className="max-w-xl">
      <DocumentTitle title="Sign in" />
      <PageHeader title="Sign in" description="Pick up your chats and your medical card." />
      <div className="space-y-4">
        <PasswordSignInPlaceholder />
        <SignInOptions />
      </div>
      <p className="mt-8 text-slate-700 dark:text-slate-300">
        New here?{' '}
        <Link to="/register" className="font-semibold text-teal-800 underline underline-offset-2 dark:text-teal-300">
          Create an account
        </Link>{' '}
        or{' '}
        <Link to="/chat" className="font-semibold text-teal-800 underline underline-offset-2 dark:text-teal-300">
          start a guest chat
        </Link>
        .
      </p>
    </PageContainer>
  );
}
