import { SetMetadata } from '@nestjs/common';

/**
 * Who may call a route. Every route declares it; the guard refuses a route that does not, so a new route can
 * never be open by omission.
 */
export const Access = {
  /** For the platform, not users: `/health`, `/metrics`. */
  public: 'public',
  /** Any API key. */
  read: 'read',
  /** Admin keys only. */
  admin: 'admin',
} as const;
export type Access = (typeof Access)[keyof typeof Access];

export const ACCESS_METADATA = 'saga:access';
export const START_RATE_LIMITED_METADATA = 'saga:start-rate-limited';

export const Public = () => SetMetadata(ACCESS_METADATA, Access.public);
export const ReadAccess = () => SetMetadata(ACCESS_METADATA, Access.read);
export const AdminAccess = () => SetMetadata(ACCESS_METADATA, Access.admin);

/** The route starts sagas: it counts against the caller's start rate (`START_RATE_LIMIT`). */
export const StartRateLimited = () => SetMetadata(START_RATE_LIMITED_METADATA, true);
