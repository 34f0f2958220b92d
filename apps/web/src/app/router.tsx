/**
 * Every page of the app. Each route's code is loaded on demand (`lazy`), except the frame.
 * Route modules export `Component` (react-router's lazy-route convention).
 */
import { createBrowserRouter, type RouteObject } from 'react-router';
import { Root, RootError, RootHydrateFallback } from './root';
import { RouteError } from './routes/route-error';

export const routes: RouteObject[] = [
  {
    path: '/',
    Component: Root,
    ErrorBoundary: RootError,
    HydrateFallback: RootHydrateFallback,
    children: [
      {
        ErrorBoundary: RouteError,
        children: [
          { index: true, lazy: () => import('./routes/landing') },
          { path: 'chat', lazy: () => import('./routes/chat') },
          { path: 'dashboard', lazy: () => import('./routes/dashboard') },
          { path: 'login', lazy: () => import('./routes/auth/login') },
          { path: 'login/qr', lazy: () => import('./routes/auth/login-qr') },
          { path: 'login/pin', lazy: () => import('./routes/auth/login-pin') },
          { path: 'register', lazy: () => import('./routes/auth/register') },
          { path: 'card', lazy: () => import('./routes/card/card') },
          { path: 'card/print', lazy: () => import('./routes/card/card-print') },
          { path: 'emergency/:token', lazy: () => import('./routes/emergency') },
          { path: 'admin/models', lazy: () => import('./routes/admin/models') },
          { path: 'admin/fine-tune', lazy: () => import('./routes/admin/fine-tune') },
          { path: 'admin/fine-tune/:modelId', lazy: () => import('./routes/admin/fine-tune-job') },
          { path: 'sensors', lazy: () => import('./routes/sensors') },
          { path: 'clinician/calls', lazy: () => import('./routes/clinician-calls') },
          { path: '*', lazy: () => import('./routes/not-found') },
        ],
      },
    ],
  },
];

export function createAppRouter() {
  return createBrowserRouter(routes);
}
