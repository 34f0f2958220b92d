import { Link, useSearchParams } from 'react-router';
import { PageContainer } from '@/components/layouts/root-layout';
import { DocumentTitle } from '@/components/ui/document-title';
import { PageHeader } from '@/components/ui/page-header';
import { RegisterForm } from '@/features/auth/components/register-form';
import { SignedInNotice } from '@/features/auth/components/signed-in-notice';
import { safeRedirect } from '@/features/auth/lib/redirect';

/** Sign-up; `?redirect=` (a same-site path) is where to go next, else the new card with a welcome. */
export function Component() {
  const [params] = useSearchParams();
  const redirectTo = safeRedirect(params.get('redirect'), '/card?welcome=1');
  return (
    <PageContainer className="max-w-xl">
      <DocumentTitle title="Create an account" />
      <PageHeader title="Create an account" description="Keep your chats and a medical card with an emergency QR." />
      <SignedInNotice continueTo={params.get('redirect') ? redirectTo : '/card'} />
      <RegisterForm redirectTo={redirectTo} />
      <p className="mt-8 text-slate-700 dark:text-slate-300">
        Already registered?{' '}
        <Link to="/login" className="font-semibold text-teal-800 underline underline-offset-2 dark:text-teal-300">
          Sign in
        </Link>
        . Chats you started as a guest on this device move to your new account.
      </p>
    </PageContainer>
  );
}
