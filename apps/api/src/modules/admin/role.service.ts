/**
 * Role changes by an admin (patient, clinician, admin), audited on the target's trail. An admin
 * cannot demote themselves, so the last admin cannot lock everyone out by accident.
 */
import { ProblemType, type Role } from '@medichat/shared';
import type { UserDoc } from '../../engines/storage/collections.js';
import { AppError, forbidden } from '../../lib/errors.js';
import type { ClientInfo } from '../../lib/principal.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { UserRepository } from '../users/user.repository.js';

const noSuchUser = () => new AppError(ProblemType.notFound, 404, 'No such user.');

export class RoleService {
  constructor(
    private readonly deps: {
      users: Pick<UserRepository, 'get' | 'setRole'>;
      audit: Pick<AuditRepository, 'record'>;
      now: () => Date;
    },
  ) {}

  async changeRole(actorId: string, userId: string, role: Role, context: ClientInfo): Promise<UserDoc> {
    const target = await this.deps.users.get(userId);
    if (!target) throw noSuchUser();
    if (actorId === userId && role !== 'admin')
      throw forbidden('An admin cannot demote themselves; ask another admin.');
    const updated = await this.deps.users.setRole(userId, role, this.deps.now());
    if (!updated) throw noSuchUser();
    await this.deps.audit.record({
      actorId,
      subjectId: userId,
      action: 'role.changed',
      ip: context.ip,
      userAgent: context.userAgent,
      detail: { from: target.role, to: role },
    });
    return updated;
  }
}
