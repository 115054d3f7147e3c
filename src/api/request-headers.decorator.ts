import { type ExecutionContext, createParamDecorator } from '@nestjs/common';
import type { Request } from 'express';

/** All request headers (names in lower case), so a pipe can check them together; Nest's `@Headers` takes no pipe. */
export const RequestHeaders = createParamDecorator(
  (_data: unknown, context: ExecutionContext) => context.switchToHttp().getRequest<Request>().headers,
);
