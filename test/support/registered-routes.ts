import type { TestEngine } from './test-engine';

export interface Route {
  method: string;
  /** As Express matches it: `/api/sagas/:id`. */
  path: string;
}

/** Every route the HTTP server has, as Express matched them. */
export function registeredRoutes(engine: TestEngine): Route[] {
  const server = engine.app.getHttpAdapter().getInstance() as {
    router: { stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> };
  };
  return server.router.stack.flatMap((layer) =>
    layer.route === undefined
      ? []
      : Object.keys(layer.route.methods).map((method) => ({
          method: method.toUpperCase(),
          path: layer.route!.path,
        })),
  );
}
