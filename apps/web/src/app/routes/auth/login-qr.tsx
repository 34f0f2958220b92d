import { Link, useSearchParams } from 'react-router';
import { PageContainer } from '@/components/layouts/root-layout';
import { DocumentTitle } from '@/components/ui/document-title';
import { PageHeader } from '@/components/ui/page-header';
import { QrSignIn } from '@/features/auth/components/qr-sign-in';
import { SignedInNotice } from '@/features/auth/components/signed-in-notice';
import { safeRedirect } from '@/features/auth/lib/redirect';

export function Component() {
  const [params] = useSearchParams();
  const redirectTo = safeRedirect(params.get('redirect'));
  return (
    <PageContainer className="max-w-xl">
      <DocumentTitle title="Sign in with your QR code" />
      <PageHeader
        title="Sign in with your QR code"
        description="Hold your printed medical card QR code up to the camera."
      />
      <SignedInNotice continueTo={redirectTo} />
      <QrSignIn redirectTo={redirectTo} />
      <p className="mt-8 text-slate-700 dark:text-slate-300">
        Or{' '}
        <Link to="/login/pin" className="font-semibold text-teal-800 underline underline-offset-2 dark:text-teal-300">
          sign in with your PIN
        </Link>{' '}
        or{' '}
        <Link to="/login" className="font-semibold text-teal-800 underline underline-offset-2 dark:text-teal-300">
          with your email and password
        </Link>
        .
      </p>
    </PageContainer>
  );
}
