import { useLocation } from 'react-router';
import { PageContainer } from '@/components/layouts/root-layout';
import { ButtonLink } from '@/components/ui/button';
import { DocumentTitle } from '@/components/ui/document-title';

export function Component() {
  const { pathname } = useLocation();
  return (
    <PageContainer className="flex flex-col items-start gap-6 py-16 sm:py-24">
      <DocumentTitle title="Page not found" />
      <p className="text-sm font-semibold tracking-wide text-teal-800 uppercase dark:text-teal-300">Error 404</p>
      <h1 className="text-3xl font-bold tracking-tight sm:text-4xl">Page not found</h1>
      <p className="max-w-prose text-lg text-slate-700 dark:text-slate-300">
        There is no page at{' '}
        <code className="rounded bg-slate-200 px-1.5 py-0.5 text-base break-all dark:bg-slate-800">{pathname}</code>. It
        may have moved, or the link may be mistyped.
      </p>
      <div className="flex flex-wrap gap-3">
        <ButtonLink to="/">Go to the home page</ButtonLink>
        <ButtonLink to="/chat" variant="secondary">
          Start a guest chat
        </ButtonLink>
      </div>
    </PageContainer>
  );
}
