import { type DataSource, In, MoreThan } from 'typeorm';
import { SagaEventType } from '../core/events';
import type { SagaStatus } from '../core/status';
import { SagaEventEntity, SagaInstanceEntity } from './entities';

export interface SagaListFilter {
  statuses?: SagaStatus[];
  name?: string;
  version?: number;
  correlationId?: string;
  failingStep?: string;
  createdFrom?: Date;
  createdTo?: Date;
  limit: number;
  /** Keyset position: list sagas strictly older than this one. */
  after?: { createdAt: Date; id: string };
}

const ATTEMPT_ENTRY_TYPES = Object.values(SagaEventType).filter(
  (type) => type !== SagaEventType.attemptExtended && type !== SagaEventType.replyIgnored,
);

/** Reads for the dashboard API; never takes locks. */
export class SagaReader {
  constructor(private readonly dataSource: DataSource) {}

  findSaga(id: string): Promise<SagaInstanceEntity | null> {
    return this.dataSource.getRepository(SagaInstanceEntity).findOneBy({ id });
  }

  /** The sagas started by rerunning this one, oldest first. */
  async findReruns(id: string): Promise<string[]> {
    const rows = await this.dataSource.getRepository(SagaInstanceEntity).find({
      select: { id: true },
      where: { rerunOf: id },
      order: { createdAt: 'ASC' },
    });
    return rows.map((row) => row.id);
  }

  /** A page of the saga's log, oldest first, after the entry `afterSeq`. */
  findEvents(sagaId: string, page: { afterSeq: number; limit: number }): Promise<SagaEventEntity[]> {
    return this.dataSource.getRepository(SagaEventEntity).find({
      where: { sagaId, seq: MoreThan(page.afterSeq) },
      order: { seq: 'ASC' },
      take: page.limit,
    });
  }

  /**
   * The log entries that make up the attempts of a saga's steps. Progress reports and ignored replies are left
   * out: nothing bounds how many a participant sends, and none of them starts or ends an attempt.
   */
  findAttemptEvents(sagaId: string): Promise<SagaEventEntity[]> {
    return this.dataSource.getRepository(SagaEventEntity).find({
      where: { sagaId, type: In(ATTEMPT_ENTRY_TYPES) },
      order: { seq: 'ASC' },
    });
  }

  /**
   * Newest first; keyset pagination on (created_at, id) stays stable while new sagas arrive. Several statuses are
   * read one at a time, each a range of the status index, and merged: one statement with `status IN (…)` reads the
   * creation-time index until it has found a page, which for statuses few sagas have (RUNNING and SUSPENDED among
   * ten million finished ones) means the whole table.
   */
  async listSagas(filter: SagaListFilter): Promise<SagaInstanceEntity[]> {
    const statuses = filter.statuses ?? [];
    if (statuses.length <= 1) return this.listPage(filter);
    const found: SagaInstanceEntity[] = [];
    for (const status of new Set(statuses))
      found.push(...(await this.listPage({ ...filter, statuses: [status] })));
    return found.sort(newestFirst).slice(0, filter.limit);
  }

  private listPage(filter: SagaListFilter): Promise<SagaInstanceEntity[]> {
    const query = this.dataSource
      .getRepository(SagaInstanceEntity)
      .createQueryBuilder('saga')
      .orderBy('saga.created_at', 'DESC')
      .addOrderBy('saga.id', 'DESC')
      .limit(filter.limit);
    if (filter.statuses !== undefined && filter.statuses.length > 0) {
      query.andWhere('saga.status IN (:...statuses)', { statuses: filter.statuses });
    }
    if (filter.name !== undefined) query.andWhere('saga.name = :name', { name: filter.name });
    if (filter.version !== undefined) query.andWhere('saga.version = :version', { version: filter.version });
    if (filter.correlationId !== undefined) {
      query.andWhere('saga.correlation_id = :correlationId', { correlationId: filter.correlationId });
    }
    if (filter.failingStep !== undefined) {
      query.andWhere('saga.failing_step = :failingStep', { failingStep: filter.failingStep });
    }
    if (filter.createdFrom !== undefined) {
      query.andWhere('saga.created_at >= :createdFrom', { createdFrom: filter.createdFrom.toISOString() });
    }
    if (filter.createdTo !== undefined) {
      query.andWhere('saga.created_at < :createdTo', { createdTo: filter.createdTo.toISOString() });
    }
    if (filter.after !== undefined) {
      query.andWhere('(saga.created_at, saga.id) < (:createdAt, :id)', {
        createdAt: filter.after.createdAt.toISOString(),
        id: filter.after.id,
      });
    }
    return query.getMany();
  }
}

/** The list's order: created_at, then id (as PostgreSQL orders UUIDs: their lowercase hex), both descending. */
function newestFirst(a: SagaInstanceEntity, b: SagaInstanceEntity): number {
  const byTime = b.createdAt.getTime() - a.createdAt.getTime();
  if (byTime !== 0) return byTime;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}
