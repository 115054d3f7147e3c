import { type DynamicModule, Global, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DEFINITION_SOURCE } from '../orchestrator/tokens';
import type { Logger } from 'saga-orchestrator-sdk/internal/shared/logger';
import { LOGGER } from '../shared/tokens';
import type { LoadedDefinition } from './definition-files';
import { DefinitionRegistry } from './definition-registry';
import { DefinitionReloader } from './definition-reload';
import { syncDefinitions } from './definition-sync';
import type { AppConfig } from '../config/config';
import { participantsWithoutUser } from '../shared/participant-users';

/**
 * The saga definitions: the files (read and checked before anything else starts) stored with every version
 * PostgreSQL holds, as the registry sagas run on.
 */
@Global()
@Module({})
export class DefinitionsModule {
  static forRoot(files: LoadedDefinition[], config: AppConfig): DynamicModule {
    return {
      module: DefinitionsModule,
      providers: [
        {
          provide: DefinitionRegistry,
          inject: [DataSource, LOGGER],
          useFactory: async (dataSource: DataSource, logger: Logger) => {
            const registry = await syncDefinitions(dataSource, files);
            logger.info('saga definitions loaded', {
              definitions: files.map(({ definition }) => `${definition.name}@${definition.version}`),
            });
            return registry;
          },
        },
        { provide: DEFINITION_SOURCE, useExisting: DefinitionRegistry },
        {
          provide: DefinitionReloader,
          inject: [DataSource, DefinitionRegistry, LOGGER],
          useFactory: (dataSource: DataSource, registry: DefinitionRegistry, logger: Logger) =>
            new DefinitionReloader(
              dataSource,
              registry,
              {
                sagasDir: config.sagasDir,
                checkNewParticipants: (participants) => participantsWithoutUser(config, participants),
              },
              logger,
            ),
        },
      ],
      exports: [DefinitionRegistry, DEFINITION_SOURCE, DefinitionReloader],
    };
  }
}
