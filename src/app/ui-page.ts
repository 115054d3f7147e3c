import express from 'express';
import helmet from 'helmet';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

const ONE_YEAR_MS = 365 * 24 * 3600 * 1000;

/**
 * The page's policy: scripts from this origin only, never `eval`; data from the API on this origin only. Styles may
 * be inline because Mermaid writes the graph's styles into the SVG it renders (a `<style>` element and `style`
 * attributes whose content depends on the diagram, so no hash can name them). Nothing on the page can load from
 * another origin, so an injected style could not send anything anywhere.
 */
const pagePolicy = helmet.contentSecurityPolicy({
  useDefaults: false,
  directives: {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'"],
    connectSrc: ["'self'"],
    baseUri: ["'none'"],
    formAction: ["'none'"],
    frameAncestors: ["'none'"],
  },
});

/**
 * The operator page at `/ui`: `index.html` is checked on every load (`no-cache`), the assets it names carry a hash
 * of their content and are kept for a year. Public: the page holds no data, and its calls to `/api` carry the key.
 * Anything else under `/ui` falls through to the API's JSON 404.
 */
export function uiPage(directory: string): express.Router {
  const router = express.Router({ caseSensitive: true, strict: true });
  router.use(pagePolicy);
  router.get('/', (_request, response) => {
    response.setHeader('cache-control', 'no-cache');
    response.sendFile('index.html', { root: directory }, (error) => {
      if (error !== undefined && !response.headersSent) {
        response.status(404).json({
          error: 'UI_NOT_BUILT',
          message: 'the page is not built: run npm run build',
        });
      }
    });
  });
  router.use(
    '/assets',
    express.static(join(directory, 'assets'), { index: false, immutable: true, maxAge: ONE_YEAR_MS }),
  );
  return router;
}

/** `dist/ui` of this package, whether the engine runs from `src/` (tests) or from `dist/src/` (built). */
export function builtUiDirectory(): string {
  let folder = __dirname;
  while (!existsSync(join(folder, 'package.json'))) {
    const parent = dirname(folder);
    if (parent === folder) throw new Error(`no package.json above ${__dirname}`);
    folder = parent;
  }
  return join(folder, 'dist', 'ui');
}
