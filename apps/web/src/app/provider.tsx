import { QueryClientProvider } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { getSessionState, subscribeSession } from '@/lib/auth-store';
import { createQueryClient } from '@/lib/react-query';
import { initSession } from '@/lib/session';

// Restore the session (silent refresh) as early as possible, once per page load.
initSession();

export function AppProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(createQueryClient);

  // Whatever was cached belongs to the account that just signed out (or to nobody): drop it.
  useEffect(() => {
    let previous = getSessionState();
    return subscribeSession(() => {
      const next = getSessionState();
      const accountChanged = previous.user?.id !== next.user?.id && previous.user !== null;
      if (accountChanged || (previous.status === 'signed-in' && next.status === 'signed-out')) queryClient.clear();
      previous = next;
    });
  }, [queryClient]);

  return <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>;
}
