import { useEffect, useState, useSyncExternalStore } from 'react';
import { getAccessToken } from '@/lib/auth-store';
import { refreshSession } from '@/lib/session';
import { CallClient, type CallSnapshot } from '../lib/call-client';

/**
 * A call client for this panel, and its state. `watch`: keep the signalling connection open from
 * the start (clinicians, for the live waiting list); patients connect when they call. Leaving the
 * page ends a call in progress.
 */
export function useCall(options: { watch: boolean }): { client: CallClient; call: CallSnapshot } {
  const [client] = useState(() => new CallClient({ getToken: getAccessToken, refreshToken: refreshSession }));
  const call = useSyncExternalStore(client.subscribe, client.getSnapshot, client.getSnapshot);
  const { watch } = options;
  useEffect(() => {
    if (watch) void client.connect();
    return () => client.dispose();
  }, [client, watch]);
  return { client, call };
}
