import type { INestApplication } from '@nestjs/common';
import { DefinitionReloadError, DefinitionReloader } from '../definitions/definition-reload';
import type { Logger } from 'saga-orchestrator-sdk/internal/shared/logger';

/** `kill -HUP <pid>` reloads the definitions folder, as POST /api/definitions/reload does; returns the remover. */
export function reloadOnSighup(app: INestApplication, logger: Logger): () => void {
  const reloader = app.get(DefinitionReloader);
  const onSighup = () => {
    reloader.reload().catch((error: unknown) =>
      logger.error('saga definitions not reloaded: nothing changed', {
        problems:
          error instanceof DefinitionReloadError
            ? error.details.map((detail) => `${detail.path}: ${detail.message}`)
            : [(error as Error).message],
      }),
    );
  };
  process.on('SIGHUP', onSighup);
  return () => process.off('SIGHUP', onSighup);
}
