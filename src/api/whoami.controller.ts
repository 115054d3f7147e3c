import { Controller, Get, Req } from '@nestjs/common';
import type { Request } from 'express';
import { ReadAccess } from './auth/access';
import { callerOf } from './auth/caller';
import type { Whoami } from './responses/whoami';

/** The role of the key a request carries, so a client can offer only what that key may do. */
@Controller('api/whoami')
@ReadAccess()
export class WhoamiController {
  /** `admin` on an open API: anyone may do everything there. */
  @Get()
  whoami(@Req() request: Request): Whoami {
    return { role: callerOf(request)?.role ?? 'admin' };
  }
}
