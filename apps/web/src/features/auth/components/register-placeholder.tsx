import { ComingSoon } from '@/components/ui/coming-soon';
import { UserIcon } from '@/components/ui/icons';

export function RegisterPlaceholder() {
  return (
    <ComingSoon
      icon={<UserIcon className="size-6" />}
      title="Create an account to keep your chats and a medical card."
      status="Coming soon: registration."
    >
      <p>
        Registering creates your medical card at the same time. You decide what goes on it and what an emergency
        responder may see.
      </p>
    </ComingSoon>
  );
}
