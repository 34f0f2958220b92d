import type { ReactNode } from 'react';
import { useLocation } from 'react-router';
import { ButtonLink } from '@/components/ui/button';
import { LockIcon } from '@/components/ui/icons';
import { useSession } from '@/lib/auth-store';

/**
 * Renders its children for a signed-in user. While a page load restores the session it says so;
 * signed out it offers to sign in and come back here.
 */
export function RequireSignIn({ children, what = 'this page' }: { children: ReactNode; what?: string }) {
  const { status } = useSession();
  const location = useLocation();
  if (status === 'signed-in') return <>{children}</>;
  if (status === 'unknown') {
    return (
      <p role="status" className="text-slate-700 dark:text-slate-300">
        Checking your session…
      </p>
    );
  }
  const back = encodeURIComponent(location.pathname + location.search);
  return (
    <div className="flex flex-col items-start gap-4 rounded-2xl border border-slate-200 bg-white p-6 sm:flex-row sm:items-center dark:border-slate-800 dark:bg-slate-900">
      <span className="flex size-12 shrink-0 items-center justify-center rounded-full bg-teal-50 text-teal-800 dark:bg-teal-950 dark:text-teal-200">
        <LockIcon className="size-6" />
      </span>
      <div className="flex-1">
        <h2 className="text-lg font-semibold">Sign in to see {what}</h2>
        <p className="mt-1 text-slate-700 dark:text-slate-300">
          Your medical card is private. Sign in, or create an account to start one.
        </p>
      </div>
      <div className="flex flex-wrap gap-3">
        <ButtonLink to={`/login?redirect=${back}`}>Sign in</ButtonLink>
        <ButtonLink to={`/register`} variant="secondary">
          Create an account
        </ButtonLink>
      </div>
    </div>
  );
}
