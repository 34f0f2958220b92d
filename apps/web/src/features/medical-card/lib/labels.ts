/** Words for the audit trail; the card's own labels are in `@/lib/card-labels`. */
import type { AuditAction } from '@medichat/shared';
export { BMI_CATEGORY_LABELS, EMERGENCY_FIELD_LABELS, SEVERITY_LABELS, SEX_LABELS } from '@/lib/card-labels';

/** One label per action the API records: a new AuditAction without a label fails to compile. */
export const AUDIT_ACTION_LABELS: Record<AuditAction, string> = {
  'account.created': 'Account created',
  'auth.login': 'Signed in',
  'auth.login_failed': 'Failed sign-in',
  'auth.refresh_reuse': 'Old session token reused (all sessions ended)',
  'auth.logout_all': 'Signed out on every device',
  'guest.claimed': 'Guest chats moved to the account',
  'pin.set': 'PIN set',
  'pin.removed': 'PIN removed',
  'password.changed': 'Password changed (other devices signed out)',
  'pin.failed': 'Wrong PIN',
  'pin.locked': 'PIN sign-in locked',
  'qr.regenerated': 'New QR code made',
  'qr.refused': 'Old QR code refused',
  'card.updated': 'Card changed',
  'card.emergency_view': 'Emergency view opened',
  'avatar.updated': 'Profile picture changed',
  'avatar.deleted': 'Profile picture removed',
  'role.changed': 'Role changed',
  'model.default_changed': 'Default model changed',
};

/** The label of an action from the wire (a string: an action newer than this page shows as itself). */
export function auditActionLabel(action: string): string {
  return (AUDIT_ACTION_LABELS as Partial<Record<string, string>>)[action] ?? action;
}

/** `self` → You; `emergency` → someone who scanned the QR; `anonymous` → not signed in; else a user id. */
export function actorLabel(actor: string): string {
  if (actor === 'self') return 'You';
  if (actor === 'emergency') return 'Someone who scanned your QR code';
  if (actor === 'anonymous') return 'Someone not signed in';
  if (actor === 'system') return 'Medichat';
  return `Another account (${actor.slice(0, 8)}…)`;
}
