import { Link } from 'react-router';
import { PageContainer } from '@/components/layouts/root-layout';
import { DocumentTitle } from '@/components/ui/document-title';
import { PageHeader } from '@/components/ui/page-header';
import { QrScanner } from '@/features/auth/components/qr-scanner';

export function Component() {
  return (
    <PageContainer className="max-w-xl">
      <DocumentTitle title="Sign in with your QR code" />
      <PageHeader
        title="Sign in with your QR code"
        description="Hold your printed medical card QR code up to the camera."
      />
      <QrScanner />
      <p className="mt-8 text-slate-700 dark:text-slate-300">
        No camera?{' '}
        <Link to="/login/pin" className="font-semibold text-teal-800 underline underline-offset-2 dark:text-teal-300">
          Sign in with your PIN
        </Link>{' '}
        instead.
      </p>
    </PageContainer>
  );
}
