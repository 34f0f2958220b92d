import type { ReactNode } from 'react';
import { useLocation } from 'react-router';
import { PageContainer } from '@/components/layouts/root-layout';
import { ButtonLink } from '@/components/ui/button';
import { DocumentTitle } from '@/components/ui/document-title';
import { useSession } from '@/lib/auth-store';

/**
 * The clinicians' pages are for admins (the API answers 403 to anyone else). Patients and guests
 * get a "forbidden" page instead of the admin UI, with a way to sign in as an admin; while a page
 * load restores the session, it says so.
 */
export function RequireAdmin({ children }: { children: ReactNode }) {
  const { status, user } = useSession();
  const location = useLocation();
  if (status === 'signed-in' && user?.role === 'admin') return <>{children}</>;
  if (status === 'unknown') {
    return (
      <PageContainer>
        <p role="status" className="py-16 text-slate-700 dark:text-slate-300">
          Checking your session…
        </p>
      </PageContainer>
    );
  }
  const back = encodeURIComponent(location.pathname + location.search);
  return (
    <PageContainer className="flex flex-col items-start gap-6 py-16 sm:py-24">
      <DocumentTitle title="Clinicians only" />
      <p className="text-sm font-semibold tracking-wide text-teal-800 uppercase dark:text-teal-300">Error 403</p>
      <h1 className="text-3xl font-bold tracking-tight sm:text-4xl">Clinicians only</h1>
      <p className="max-w-prose text-lg text-slate-700 dark:text-slate-300">
        {status === 'signed-in'
          ? 'This page is for the administrators of this service. Your account cannot open it.'
          : 'This page is for the administrators of this service. Sign in with an administrator account to open it.'}
      </p>
      <div className="flex flex-wrap gap-3">
        {status === 'signed-in' ? null : <ButtonLink to={`/login?redirect=${back}`}>Sign in</ButtonLink>}
        <ButtonLink to="/chat" variant={status === 'signed-in' ? 'primary' : 'secondary'}>
          Go to the chat
        </ButtonLink>
      </div>
    </PageContainer>
  );
}
