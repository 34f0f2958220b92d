import { ComingSoon } from '@/components/ui/coming-soon';
import { KeyIcon } from '@/components/ui/icons';

/** PIN sign-in: user id + PIN. Repeated wrong PINs lock the account for a while (server-side). */
export function PinSignIn() {
  return (
    <ComingSoon
      icon={<KeyIcon className="size-6" />}
      title="Sign in with your user id and PIN."
      status="Coming soon: PIN sign-in."
    >
      <p>After several wrong PINs in a row, sign-in pauses for a few minutes to keep your card safe.</p>
    </ComingSoon>
  );
}
