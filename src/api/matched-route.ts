import type { Request } from 'express';

/** The route pattern Express matched (`/api/sagas/:id`), never the path as sent; null when none matched. */
export function matchedRoute(request: Request): string | null {
  const route: unknown = request.route;
  if (typeof route !== 'object' || route === null || !('path' in route)) return null;
  return typeof route.path === 'string' ? `${request.baseUrl}${route.path}` : null;
}
