import { Link, useSearchParams } from 'react-router';
import { PageContainer } from '@/components/layouts/root-layout';
import { DocumentTitle } from '@/components/ui/document-title';
import { PageHeader } from '@/components/ui/page-header';
import { PinSignIn } from '@/features/auth/components/pin-sign-in';
import { SignedInNotice } from '@/features/auth/components/signed-in-notice';
import { safeRedirect } from '@/features/auth/lib/redirect';

export function Component() {
  const [params] = useSearchParams();
  const redirectTo = safeRedirect(params.get('redirect'));
  return (
    <PageContainer className="max-w-xl">
      <DocumentTitle title="Sign in with your PIN" />
      <PageHeader
        title="Sign in with your PIN"
        description="Use the 4 to 8 digit PIN you chose on your medical card page."
      />
      <SignedInNotice continueTo={redirectTo} />
      <PinSignIn redirectTo={redirectTo} />
      <p className="mt-8 text-slate-700 dark:text-slate-300">
        <Link to="/login" className="font-semibold text-teal-800 underline underline-offset-2 dark:text-teal-300">
          Other ways to sign in
        </Link>
      </p>
    </PageContainer>
  );
}
