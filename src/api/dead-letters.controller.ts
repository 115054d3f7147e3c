import { Controller, Delete, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { DeadLetterArchive } from '../transport/dead-letter-archive';
import { DeadLetterNotFoundError } from './api-errors';
import { type ListDeadLettersQuery, listDeadLettersQuerySchema } from './dto';
import { deadLetterView } from './dead-letter-view';
import { ZodValidationPipe } from './zod-validation.pipe';
import type { DeadLetter, DeadLetterPage, ReplayedDeadLetter } from './responses/dead-letters';
import { AdminAccess, ReadAccess } from './auth/access';

@Controller('api/dead-letters')
@ReadAccess()
export class DeadLettersController {
  constructor(@Inject(DeadLetterArchive) private readonly deadLetters: DeadLetterArchive) {}

  /** Newest first, with the reason each message could not be processed; of each content only the start. */
  @Get()
  async list(
    @Query(new ZodValidationPipe(listDeadLettersQuerySchema, 'query')) query: ListDeadLettersQuery,
  ): Promise<DeadLetterPage> {
    const rows = await this.deadLetters.list(query.limit + 1, query.cursor ?? null);
    const page = rows.slice(0, query.limit);
    return {
      items: page.map(deadLetterView),
      nextCursor: rows.length > query.limit ? (page[page.length - 1]?.id ?? null) : null,
    };
  }

  /** One dead letter with its whole content. */
  @Get(':id')
  async get(@Param('id') id: string): Promise<DeadLetter> {
    const letter = await this.deadLetters.find(id);
    if (letter === null) throw new DeadLetterNotFoundError(id);
    return deadLetterView(letter);
  }

  /** Admin: publishes the message again to where it first went, then removes it from the list. */
  @Post(':id/replay')
  @AdminAccess()
  @HttpCode(202)
  async replay(@Param('id') id: string): Promise<ReplayedDeadLetter> {
    const letter = await this.deadLetters.find(id);
    if (letter === null) throw new DeadLetterNotFoundError(id);
    await this.deadLetters.replay(letter);
    return {
      id,
      replayedTo: { exchange: letter.original_exchange, routingKey: letter.original_routing_key },
    };
  }

  /** Admin: forgets the message. */
  @Delete(':id')
  @AdminAccess()
  @HttpCode(204)
  async delete(@Param('id') id: string): Promise<void> {
    if (!(await this.deadLetters.delete(id))) throw new DeadLetterNotFoundError(id);
  }
}
