import { OutboxMessageEntity } from './outbox-message.entity';
import { ProcessedReplyEntity } from './processed-reply.entity';
import { SagaDefinitionEntity } from './saga-definition.entity';
import { SagaEventEntity } from './saga-event.entity';
import { SagaInstanceEntity } from './saga-instance.entity';
import { SagaTimerEntity } from './saga-timer.entity';

export {
  OutboxMessageEntity,
  ProcessedReplyEntity,
  SagaDefinitionEntity,
  SagaEventEntity,
  SagaInstanceEntity,
  SagaTimerEntity,
};

export const entities = [
  SagaDefinitionEntity,
  SagaInstanceEntity,
  SagaEventEntity,
  SagaTimerEntity,
  OutboxMessageEntity,
  ProcessedReplyEntity,
];
