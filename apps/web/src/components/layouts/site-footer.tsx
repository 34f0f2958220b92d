import { Link } from 'react-router';
import { env } from '@/config/env';
import { useEmergencyNumber } from '@/config/server-config';
import { useSession } from '@/lib/auth-store';

export function SiteFooter() {
  const number = useEmergencyNumber();
  // The clinicians' pages are for admins only: nobody else is pointed at them.
  const isAdmin = useSession().user?.role === 'admin';
  return (
    <footer className="mt-auto border-t border-slate-200 bg-white print:hidden dark:border-slate-800 dark:bg-slate-900">
      <div className="mx-auto flex max-w-7xl flex-col gap-6 px-4 py-8 text-sm sm:px-6 lg:flex-row lg:justify-between lg:px-8">
        <div className="max-w-2xl space-y-2 text-slate-700 dark:text-slate-300">
          <p>
            <strong className="font-semibold text-slate-900 dark:text-white">Medical disclaimer.</strong> {env.appName}{' '}
            gives general health information from an AI model. It is not a substitute for a doctor and it does not
            diagnose or prescribe. In an emergency call{' '}
            <a
              href={`tel:${number.replace(/\s/g, '')}`}
              className="font-semibold text-red-800 underline dark:text-red-300"
            >
              {number}
            </a>{' '}
            or your local emergency number.
          </p>
          <p className="text-slate-600 dark:text-slate-400">
            Your medical card is encrypted at rest, and every read by someone other than you is recorded.
          </p>
        </div>
        <nav aria-label="Footer">
          <ul className="flex flex-wrap gap-x-5 gap-y-2">
            <li>
              <Link to="/chat" className="text-teal-800 underline-offset-2 hover:underline dark:text-teal-300">
                Guest chat
              </Link>
            </li>
            <li>
              <Link to="/register" className="text-teal-800 underline-offset-2 hover:underline dark:text-teal-300">
                Create an account
              </Link>
            </li>
            <li>
              <Link to="/card" className="text-teal-800 underline-offset-2 hover:underline dark:text-teal-300">
                Medical card
              </Link>
            </li>
            {isAdmin ? (
              <li>
                <Link
                  to="/admin/models"
                  className="text-teal-800 underline-offset-2 hover:underline dark:text-teal-300"
                >
                  For clinicians
                </Link>
              </li>
            ) : null}
          </ul>
        </nav>
      </div>
    </footer>
  );
}
