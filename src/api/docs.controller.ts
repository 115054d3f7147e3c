import { Controller, Get, Header, Res } from '@nestjs/common';
import type { Response } from 'express';
import { buildOpenApiDocument } from './openapi/document';
import { ReadAccess } from './auth/access';

const document = buildOpenApiDocument(process.env.npm_package_version ?? '0.1.0');

const page = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Saga orchestrator API</title>
<link rel="stylesheet" href="/assets/swagger-ui/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/assets/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script>
</body></html>`;

const init = `window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#ui' });`;

@Controller('api')
@ReadAccess()
export class DocsController {
  @Get('openapi.json')
  openapi() {
    return document;
  }

  /** Swagger UI; its own assets only, so the page's CSP allows scripts and styles from this origin. */
  @Get('docs')
  @Header('content-type', 'text/html; charset=utf-8')
  docs(@Res() response: Response): void {
    response.setHeader(
      'content-security-policy',
      "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'",
    );
    response.send(page);
  }

  @Get('docs/init.js')
  @Header('content-type', 'text/javascript; charset=utf-8')
  initScript(): string {
    return init;
  }
}
