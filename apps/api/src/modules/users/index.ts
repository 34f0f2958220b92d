/** The users module's public surface for other modules (docs/boundaries.md). */
export { presentUser } from './user.presenter.js';
export { userIdParam } from './users.routes.js';
