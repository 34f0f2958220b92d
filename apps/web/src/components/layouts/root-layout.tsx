import { useEffect, useRef, type ReactNode } from 'react';
import { ScrollRestoration, useLocation, useNavigation } from 'react-router';
import { SiteFooter } from './site-footer';
import { SiteHeader } from './site-header';
import { SkipLink } from './skip-link';

/**
 * The page frame: skip link, header, `<main>`, footer. After client-side navigation focus moves to
 * `<main>` so keyboard and screen-reader users start at the new page's content (its `<h1>`).
 */
export function RootLayout({ children }: { children: ReactNode }) {
  const mainRef = useRef<HTMLElement>(null);
  const location = useLocation();
  const navigation = useNavigation();
  const firstRender = useRef(true);

  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    if (!location.hash) mainRef.current?.focus({ preventScroll: true });
  }, [location.pathname, location.hash]);

  return (
    <div className="flex min-h-dvh flex-col">
      <SkipLink />
      <SiteHeader />
      {navigation.state === 'loading' ? (
        <div
          aria-hidden="true"
          className="fixed inset-x-0 top-0 z-50 h-1 bg-teal-600 motion-safe:animate-pulse dark:bg-teal-400"
        />
      ) : null}
      <main id="main" ref={mainRef} tabIndex={-1} className="w-full flex-1">
        {children}
      </main>
      <SiteFooter />
      <ScrollRestoration />
    </div>
  );
}

/** Centred content column for ordinary pages. */
export function PageContainer({
  children,
  className = '',
  compact = false,
}: {
  children: ReactNode;
  className?: string;
  /** Less vertical padding (the chat page, where the message box must fit the first screen). */
  compact?: boolean;
}) {
  const padding = compact ? 'py-3 sm:py-6' : 'py-8 sm:py-12';
  return <div className={`mx-auto w-full max-w-7xl px-4 sm:px-6 lg:px-8 ${padding} ${className}`}>{children}</div>;
}
