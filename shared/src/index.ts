export { REASONS, isReason, type Reason } from './reasons';
export { PERMISSIONS, isPermission, type Permission } from './permissions';
export * from './schemas/system';
export * from './schemas/password';
export * from './schemas/auth';
export * from './schemas/mfa';
export * from './schemas/admin';
export * from './schemas/orgs';
export * from './schemas/projects';
