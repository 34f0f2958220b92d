import { isRouteErrorResponse, useRouteError } from 'react-router';
import { PageContainer } from '@/components/layouts/root-layout';
import { Button, ButtonLink } from '@/components/ui/button';
import { DocumentTitle } from '@/components/ui/document-title';

/**
 * Shown when a page throws or its code fails to load (often a new deploy replaced the old chunks:
 * reloading fixes it). Rendered inside the layout, so navigation still works.
 */
export function RouteError() {
  const error = useRouteError();
  const status = isRouteErrorResponse(error) ? error.status : undefined;
  if (import.meta.env.DEV) console.error(error);
  return (
    <PageContainer className="flex flex-col items-start gap-6 py-16">
      <DocumentTitle title="Something went wrong" />
      <h1 className="text-3xl font-bold tracking-tight">Something went wrong</h1>
      <p className="max-w-prose text-lg text-slate-700 dark:text-slate-300">
        {status ? `The page could not be shown (error ${status}). ` : 'This page could not be shown. '}
        Reloading usually helps. If you need help urgently, do not wait for this page: call your local emergency number.
      </p>
      <div className="flex flex-wrap gap-3">
        <Button onClick={() => window.location.reload()}>Reload the page</Button>
        <ButtonLink to="/" variant="secondary">
          Go to the home page
        </ButtonLink>
      </div>
    </PageContainer>
  );
}
