import {
  Inject,
  Injectable,
  Logger as NestLogger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import {
  type CommandContext,
  type HandlerDeclaration,
  type HandlerResult,
  type Participant,
  type Logger,
  createParticipant,
  defineHandler,
} from '../sdk';
import { SAGA_COMMAND_HANDLER, type SagaCommandHandlerMetadata } from './decorator';
import { SAGA_PARTICIPANT_OPTIONS, type SagaParticipantModuleOptions } from './options';

/**
 * Finds the `@SagaCommandHandler` methods of every provider and controller once the application has bootstrapped,
 * runs them as one participant, and stops it when the application shuts down.
 */
@Injectable()
export class SagaParticipantHost implements OnApplicationBootstrap, OnModuleDestroy {
  private participant: Participant | null = null;

  constructor(
    @Inject(SAGA_PARTICIPANT_OPTIONS) private readonly options: SagaParticipantModuleOptions,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  /** Resolves once the participant consumes its queue (it waits for the broker, retrying). */
  async onApplicationBootstrap(): Promise<void> {
    const { logger, ...options } = this.options;
    const { participant } = options;
    const found = this.handlers();
    if (found.size === 0) {
      throw new Error(
        `participant ${participant}: no @SagaCommandHandler methods found on any provider or controller`,
      );
    }
    const handlers = Object.fromEntries([...found].map(([type, { handler }]) => [type, handler] as const));
    this.participant = createParticipant({ ...options, handlers, logger: logger ?? nestLogger() });
    await this.participant.start();
  }

  /**
   * The first shutdown hook Nest calls: the participant stops consuming and waits for the commands in flight to
   * be replied to while the providers they use are still alive.
   */
  async onModuleDestroy(): Promise<void> {
    await this.participant?.stop();
  }

  private handlers(): Map<string, { handler: HandlerDeclaration; where: string }> {
    const found = new Map<string, { handler: HandlerDeclaration; where: string }>();
    const wrappers = [...this.discovery.getProviders(), ...this.discovery.getControllers()];
    for (const wrapper of wrappers) {
      const instance: unknown = wrapper.instance;
      if (typeof instance !== 'object' || instance === null || !wrapper.isDependencyTreeStatic()) continue;
      const prototype: unknown = Object.getPrototypeOf(instance);
      if (typeof prototype !== 'object' || prototype === null) continue;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const method: unknown = (instance as Record<string, unknown>)[name];
        if (typeof method !== 'function') continue;
        const metadata = this.reflector.get<SagaCommandHandlerMetadata | undefined>(
          SAGA_COMMAND_HANDLER,
          method,
        );
        if (metadata === undefined) continue;
        const where = `${instance.constructor.name}.${name}`;
        const previous = found.get(metadata.type);
        if (previous !== undefined) {
          throw new Error(
            `@SagaCommandHandler('${metadata.type}') is declared twice: ${previous.where} and ${where}`,
          );
        }
        const handle = (method as Handle).bind(instance);
        const handler: HandlerDeclaration =
          metadata.payload === undefined ? handle : defineHandler({ payload: metadata.payload, handle });
        found.set(metadata.type, { handler, where });
      }
    }
    return found;
  }
}

type Handle = (payload: unknown, ctx: CommandContext) => HandlerResult;

/** The participant's log lines through Nest's logger, fields appended as JSON. */
function nestLogger(): Logger {
  const logger = new NestLogger('SagaParticipant');
  const line = (message: string, fields?: Record<string, unknown>) =>
    fields === undefined ? message : `${message} ${JSON.stringify(fields)}`;
  return {
    info: (message, fields) => logger.log(line(message, fields)),
    warn: (message, fields) => logger.warn(line(message, fields)),
    error: (message, fields) => logger.error(line(message, fields)),
  };
}
