import { Outlet } from 'react-router';
import { RootLayout } from '@/components/layouts/root-layout';
import { RouteError } from './routes/route-error';

export function Root() {
  return (
    <RootLayout>
      <Outlet />
    </RootLayout>
  );
}

export function RootError() {
  return (
    <RootLayout>
      <RouteError />
    </RootLayout>
  );
}

/** Shown while the first page's code loads (lazy routes); the layout is not mounted yet. */
export function RootHydrateFallback() {
  return (
    <div className="flex min-h-dvh items-center justify-center" role="status">
      <span className="text-slate-700 dark:text-slate-300">Loading Medichat…</span>
    </div>
  );
}
