import { type DynamicModule, Module } from '@nestjs/common';
import { ApiModule } from '../api/api.module';
import type { AppConfig } from '../config/config';
import { ConfigModule, type Runtime } from '../config/config.module';
import type { LoadedDefinition } from '../definitions/definition-files';
import { DefinitionsModule } from '../definitions/definitions.module';
import { ObservabilityModule } from '../observability/observability.module';
import { OrchestratorModule } from '../orchestrator/orchestrator.module';
import { PersistenceModule } from '../persistence/persistence.module';
import { RetentionModule } from '../retention/retention.module';
import { TransportModule } from '../transport/transport.module';

/** The engine: one module per area, wired by the ports the orchestrator owns. */
@Module({})
export class AppModule {
  static register(config: AppConfig, runtime: Runtime, definitions: LoadedDefinition[]): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config, runtime),
        PersistenceModule.forRoot(config, runtime.logger),
        DefinitionsModule.forRoot(definitions, config),
        TransportModule.forRoot(config),
        OrchestratorModule.forRoot(config),
        ObservabilityModule,
        RetentionModule.forRoot(config),
        ApiModule.forRoot(config),
      ],
    };
  }
}
