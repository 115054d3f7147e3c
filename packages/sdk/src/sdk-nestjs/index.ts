/** NestJS binding of the participant SDK: `SagaParticipantModule.forRoot(…)` and `@SagaCommandHandler(type)`. */
export { SagaParticipantModule } from './module';
export { SagaCommandHandler } from './decorator';
export type { SagaCommandHandlerOptions } from './decorator';
export type { SagaParticipantModuleAsyncOptions, SagaParticipantModuleOptions } from './options';
