import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { HttpResult } from './test-engine';

interface MediaType {
  schema?: unknown;
}
interface ResponseObject {
  headers?: Record<string, unknown>;
  content?: Record<string, MediaType>;
}
type Operation = { responses: Record<string, ResponseObject> };
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
}

const DOCUMENT_ID = 'https://saga-orchestrator.test/openapi.json';
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** `~` and `/` escaped for a JSON pointer (RFC 6901). */
const pointerSegment = (segment: string) => segment.replaceAll('~', '~0').replaceAll('/', '~1');

/**
 * Checks real responses against an OpenAPI document: the status must be documented for the route, the body must
 * match the schema of its media type, and `X-Request-Id` must be there. Remembers which operations it saw.
 */
export class OpenApiConformance {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly templates: Array<{ template: string; pattern: RegExp; parameters: number }>;
  private readonly exercised = new Set<string>();

  constructor(private readonly document: OpenApiDocument) {
    addFormats(this.ajv);
    this.ajv.addSchema(document as object, DOCUMENT_ID);
    this.templates = Object.keys(document.paths)
      .map((template) => ({
        template,
        pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
        parameters: (template.match(/\{/g) ?? []).length,
      }))
      // A literal segment wins over a parameter (`/api/sagas/migrate` is not `/api/sagas/{id}`).
      .sort((a, b) => a.parameters - b.parameters);
  }

  /** Every documented operation, as `METHOD /path/{template}`. */
  operations(): string[] {
    return Object.entries(this.document.paths).flatMap(([template, item]) =>
      Object.keys(item)
        .filter((method) => METHODS.includes(method))
        .map((method) => `${method.toUpperCase()} ${template}`),
    );
  }

  /** The documented operations no checked response has answered yet. */
  unexercised(): string[] {
    return this.operations().filter((operation) => !this.exercised.has(operation));
  }

  /** What is wrong with one response to `method path`; an empty list when it is as documented. */
  check(method: string, path: string, response: HttpResult): string[] {
    const lower = method.toLowerCase();
    const pathOnly = path.split('?')[0]!;
    const template = this.templates.find(
      (candidate) => candidate.pattern.test(pathOnly) && this.document.paths[candidate.template]?.[lower],
    )?.template;
    const name = `${method} ${template ?? pathOnly}`;
    if (template === undefined) return [`${method} ${pathOnly}: no such operation in the document`];
    const documented = this.document.paths[template]![lower]!.responses[String(response.status)];
    if (documented === undefined) return [`${name}: status ${response.status} is not documented`];
    this.exercised.add(name);
    const problems: string[] = [];
    if (documented.headers?.['X-Request-Id'] !== undefined && !response.headers.has('x-request-id')) {
      problems.push(`${name} ${response.status}: no X-Request-Id header`);
    }
    const mediaType = response.headers.get('content-type')?.split(';')[0]?.trim();
    if (documented.content === undefined) {
      if (response.body !== null)
        problems.push(`${name} ${response.status}: a body where none is documented`);
      return problems;
    }
    if (mediaType === undefined || documented.content[mediaType] === undefined) {
      return [...problems, `${name} ${response.status}: media type ${mediaType} is not documented`];
    }
    const pointer = [
      'paths',
      template,
      lower,
      'responses',
      String(response.status),
      'content',
      mediaType,
      'schema',
    ]
      .map(pointerSegment)
      .join('/');
    const validate = this.ajv.getSchema(`${DOCUMENT_ID}#/${pointer}`);
    if (validate === undefined) return [...problems, `${name} ${response.status}: no schema at ${pointer}`];
    if (!validate(response.body)) {
      problems.push(
        ...(validate.errors ?? []).map(
          (error) =>
            `${name} ${response.status}: ${error.instancePath || '(body)'} ${error.message ?? ''} ${JSON.stringify(error.params)}`,
        ),
      );
    }
    return problems;
  }
}
