import { Link } from 'react-router';
import { ArrowRightIcon, CameraIcon, KeyIcon } from '@/components/ui/icons';

const OPTIONS = [
  {
    to: '/login/qr',
    icon: CameraIcon,
    title: 'Scan your medical card QR',
    text: 'Hold the printed code up to your camera.',
  },
  {
    to: '/login/pin',
    icon: KeyIcon,
    title: 'Use your PIN',
    text: 'Your user id and the PIN you chose.',
  },
] as const;

/** Other ways in, besides email and password. */
export function SignInOptions({ redirectTo }: { redirectTo?: string }) {
  const search = redirectTo ? `?redirect=${encodeURIComponent(redirectTo)}` : '';
  return (
    <ul className="grid gap-3">
      {OPTIONS.map(({ to, icon: Icon, title, text }) => (
        <li key={to}>
          <Link
            to={to + search}
            className="group flex min-h-11 items-center gap-4 rounded-xl border border-slate-200 bg-white p-4 no-underline hover:border-teal-600 hover:bg-teal-50/50 dark:border-slate-700 dark:bg-slate-900 dark:hover:border-teal-400 dark:hover:bg-slate-800"
          >
            <span className="flex size-10 shrink-0 items-center justify-center rounded-full bg-teal-50 text-teal-800 dark:bg-teal-950 dark:text-teal-200">
              <Icon />
            </span>
            <span className="flex-1">
              <span className="block font-semibold text-slate-900 dark:text-white">{title}</span>
              <span className="block text-sm text-slate-700 dark:text-slate-300">{text}</span>
            </span>
            <ArrowRightIcon className="size-5 text-slate-500 group-hover:text-teal-700 dark:text-slate-400 dark:group-hover:text-teal-300" />
          </Link>
        </li>
      ))}
    </ul>
  );
}
