import { Controller, Get } from '@nestjs/common';

/** Unauthenticated liveness for process supervisors; says nothing about users. */
@Controller('health')
export class HealthController {
  @Get()
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
