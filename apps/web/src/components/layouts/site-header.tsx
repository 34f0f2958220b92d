import { useEffect, useId, useState } from 'react';
import { Link, NavLink, useLocation } from 'react-router';
import { env } from '@/config/env';
import { useSession } from '@/lib/auth-store';
import { cn } from '@/lib/cn';
import { CloseIcon, MenuIcon } from '@/components/ui/icons';
import { LogoMark } from '@/components/ui/logo';
import { AccountMenu } from './account-menu';
import { ThemeToggle } from './theme-toggle';

/**
 * `section`: the path prefix that marks the item current (the admin item covers every /admin page).
 * `admin`: shown to admins only (patients and guests never see the clinicians' pages).
 */
const NAV: ReadonlyArray<{ to: string; label: string; section: string; admin?: boolean }> = [
  { to: '/chat', label: 'Chat', section: '/chat' },
  { to: '/dashboard', label: 'Dashboard', section: '/dashboard' },
  { to: '/card', label: 'Medical card', section: '/card' },
  { to: '/sensors', label: 'Sensors', section: '/sensors' },
  { to: '/admin/models', label: 'Clinicians', section: '/admin', admin: true },
];

function inSection(pathname: string, section: string): boolean {
  return pathname === section || pathname.startsWith(`${section}/`);
}

function NavItems({ pathname }: { pathname: string }) {
  const { user } = useSession();
  const isAdmin = user?.role === 'admin';
  return NAV.filter((item) => !item.admin || isAdmin).map((item) => {
    const current = inSection(pathname, item.section);
    return (
      <li key={item.to}>
        <Link to={item.to} aria-current={current ? 'page' : undefined} className={linkClass({ isActive: current })}>
          {item.label}
        </Link>
      </li>
    );
  });
}

const linkClass = ({ isActive }: { isActive: boolean }) =>
  cn(
    'flex min-h-11 items-center rounded-lg px-3 text-sm font-medium no-underline',
    isActive
      ? 'bg-teal-50 text-teal-900 dark:bg-teal-950 dark:text-teal-100'
      : 'text-slate-700 hover:bg-slate-200/70 hover:text-slate-900 dark:text-slate-300 dark:hover:bg-slate-800 dark:hover:text-white',
  );

export function SiteHeader() {
  const [menuOpen, setMenuOpen] = useState(false);
  const menuId = useId();
  const location = useLocation();
  const { user } = useSession();

  // Close the mobile menu after navigating, and on Escape.
  useEffect(() => setMenuOpen(false), [location.pathname]);
  useEffect(() => {
    if (!menuOpen) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setMenuOpen(false);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [menuOpen]);

  return (
    <header
      className={cn(
        'sticky top-0 z-40 border-b border-slate-200 print:hidden dark:border-slate-800',
        // Opaque while the phone menu is open: nothing shows through it.
        menuOpen
          ? 'bg-white dark:bg-slate-950'
          : 'bg-white/95 backdrop-blur supports-[backdrop-filter]:bg-white/85 dark:bg-slate-950/95 dark:supports-[backdrop-filter]:bg-slate-950/85',
      )}
    >
      <div className="mx-auto flex max-w-7xl items-center gap-2 px-4 py-2 sm:px-6 lg:px-8">
        <Link
          to="/"
          className="mr-2 flex min-h-11 items-center gap-2.5 rounded-lg text-lg font-bold tracking-tight text-slate-900 no-underline dark:text-white"
        >
          <LogoMark />
          <span>{env.appName}</span>
        </Link>

        <nav aria-label="Main" className="hidden flex-1 lg:block">
          <ul className="flex items-center gap-1">
            <NavItems pathname={location.pathname} />
          </ul>
        </nav>

        <div className="ml-auto flex items-center gap-1 sm:gap-2">
          <ThemeToggle />
          <AccountMenu />
          <button
            type="button"
            className="inline-flex min-h-11 min-w-11 items-center justify-center rounded-lg text-slate-700 hover:bg-slate-200/70 lg:hidden dark:text-slate-200 dark:hover:bg-slate-800"
            aria-expanded={menuOpen}
            aria-controls={menuId}
            onClick={() => setMenuOpen((open) => !open)}
          >
            {menuOpen ? <CloseIcon /> : <MenuIcon />}
            <span className="sr-only">Menu</span>
          </button>
        </div>
      </div>

      <nav
        id={menuId}
        aria-label="Main"
        hidden={!menuOpen}
        className="max-h-[calc(100dvh-4rem)] overflow-y-auto border-t border-slate-200 bg-white px-4 pt-2 pb-4 shadow-lg sm:px-6 lg:hidden dark:border-slate-800 dark:bg-slate-950"
      >
        <ul className="flex flex-col gap-1">
          <NavItems pathname={location.pathname} />
          <li className="sm:hidden">
            {user ? (
              <AccountMenu layout="menu" />
            ) : (
              <NavLink to="/login" className={linkClass}>
                Sign in
              </NavLink>
            )}
          </li>
        </ul>
      </nav>
    </header>
  );
}
