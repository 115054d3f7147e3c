import type { DataSource } from 'typeorm';
import type { SagaStatus } from '../core/status';
import { SagaEventEntity, SagaInstanceEntity } from './entities';

export interface SagaListFilter {
  status?: SagaStatus;
  name?: string;
  limit: number;
  /** Keyset position: list sagas strictly older than this one. */
  after?: { createdAt: Date; id: string };
}

/** Reads for the dashboard API; never takes locks. */
export class SagaReader {
  constructor(private readonly dataSource: DataSource) {}

  findSaga(id: string): Promise<SagaInstanceEntity | null> {
    return this.dataSource.getRepository(SagaInstanceEntity).findOneBy({ id });
  }

  findEvents(sagaId: string): Promise<SagaEventEntity[]> {
    return this.dataSource.getRepository(SagaEventEntity).find({ where: { sagaId }, order: { seq: 'ASC' } });
  }

  /** Newest first; keyset pagination on (created_at, id) stays stable while new sagas arrive. */
  listSagas(filter: SagaListFilter): Promise<SagaInstanceEntity[]> {
    const query = this.dataSource
      .getRepository(SagaInstanceEntity)
      .createQueryBuilder('saga')
      .orderBy('saga.created_at', 'DESC')
      .addOrderBy('saga.id', 'DESC')
      .limit(filter.limit);
    if (filter.status !== undefined) query.andWhere('saga.status = :status', { status: filter.status });
    if (filter.name !== undefined) query.andWhere('saga.name = :name', { name: filter.name });
    if (filter.after !== undefined) {
      query.andWhere('(saga.created_at, saga.id) < (:createdAt, :id)', {
        createdAt: filter.after.createdAt.toISOString(),
        id: filter.after.id,
      });
    }
    return query.getMany();
  }
}
