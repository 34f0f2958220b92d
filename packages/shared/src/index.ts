export * from './errors.js';
export * from './common.js';
export * from './user.js';
export * from './card.js';
export * from './auth.js';
export * from './chat.js';
export * from './models.js';
export * from './bmi.js';
