import { useMutation } from '@tanstack/react-query';
import { sessionSchema, type PinLoginInput, type Session } from '@medichat/shared';
import { signInClient, startSession } from '@/lib/session';

/** `POST /api/auth/pin-login`: email (or user id) and PIN. 401 when either is wrong, 423 while locked. */

export function pinLogin(input: PinLoginInput): Promise<Session> {
  return signInClient.post('/api/auth/pin-login', input, {}, sessionSchema);
}

export function usePinLogin() {
  return useMutation({ mutationFn: pinLogin, onSuccess: (session) => startSession(session) });
}
