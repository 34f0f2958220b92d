import { Link, useSearchParams } from 'react-router';
import { PageContainer } from '@/components/layouts/root-layout';
import { DocumentTitle } from '@/components/ui/document-title';
import { PageHeader } from '@/components/ui/page-header';
import { LoginForm } from '@/features/auth/components/login-form';
import { SignInOptions } from '@/features/auth/components/sign-in-options';
import { SignedInNotice } from '@/features/auth/components/signed-in-notice';
import { safeRedirect } from '@/features/auth/lib/redirect';

const linkClass = 'font-semibold text-teal-800 underline underline-offset-2 dark:text-teal-300';

export function Component() {
  const [params] = useSearchParams();
  const redirectTo = safeRedirect(params.get('redirect'));
  return (
    <PageContainer className="max-w-xl">
      <DocumentTitle title="Sign in" />
      <PageHeader title="Sign in" description="Pick up your chats and your medical card." />
      <SignedInNotice continueTo={redirectTo} />
      <LoginForm redirectTo={redirectTo} />
      <section aria-labelledby="other-ways" className="mt-10">
        <h2 id="other-ways" className="mb-3 text-lg font-semibold">
          Other ways to sign in
        </h2>
        <SignInOptions redirectTo={params.get('redirect') ? redirectTo : undefined} />
      </section>
      <p className="mt-8 text-slate-700 dark:text-slate-300">
        New here?{' '}
        <Link to="/register" className={linkClass}>
          Create an account
        </Link>{' '}
        or{' '}
        <Link to="/chat" className={linkClass}>
          start a guest chat
        </Link>
        .
      </p>
    </PageContainer>
  );
}
