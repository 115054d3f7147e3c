import { z } from 'zod';
import { jsonValueSchema } from 'saga-orchestrator-sdk/contracts';
import { RESPONSE_COMPONENTS } from './response-components';

export type JsonSchema = Record<string, unknown>;

const COMPONENT_PATH = '#/components/schemas/';

/**
 * What zod adds that tells a reader nothing: a pattern next to each format it knows (date-time, uuid), and the
 * safe-integer bounds of every integer.
 */
function withoutNoise({ jsonSchema }: { jsonSchema: JsonSchema }): void {
  if (jsonSchema.format !== undefined) delete jsonSchema.pattern;
  if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
  if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
}

function withoutSchemaHeader({ $schema: _schema, $id: _id, ...schema }: JsonSchema): JsonSchema {
  return schema;
}

/** Every response schema as JSON Schema 2020-12 (what OpenAPI 3.1 uses), by component name. */
export function responseSchemas(): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(RESPONSE_COMPONENTS)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    io: 'output',
    target: 'draft-2020-12',
    uri: (id) => `${COMPONENT_PATH}${id}`,
    override: withoutNoise,
  });
  // Definitions zod could not name (a cycle through a schema without a component name) would land here.
  if (schemas.__shared !== undefined)
    throw new Error('a response schema refers to an unnamed recursive schema');
  return Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => [id, withoutSchemaHeader(schema as JsonSchema)]),
  );
}

/** Where a request schema reads a JSON value, the document names the `JsonValue` component (see its description). */
function jsonValueAsComponent({
  zodSchema,
  jsonSchema,
}: {
  zodSchema: unknown;
  jsonSchema: JsonSchema;
}): void {
  if (zodSchema !== jsonValueSchema) return;
  for (const key of Object.keys(jsonSchema)) delete jsonSchema[key];
  jsonSchema.$ref = `${COMPONENT_PATH}JsonValue`;
}

/**
 * Request schemas as JSON Schema, as their validation pipes read them (`io: input`); the definitions they share
 * (`$defs`) become components named after the request, or the component they only point to.
 */
export class RequestSchemas {
  readonly components: Record<string, JsonSchema> = {};

  body(prefix: string, schema: z.ZodType): JsonSchema {
    const json = z.toJSONSchema(schema, {
      io: 'input',
      unrepresentable: 'any',
      override: jsonValueAsComponent,
    }) as JsonSchema;
    const { $defs, ...rest } = withoutSchemaHeader(json);
    const definitions = Object.entries(($defs ?? {}) as Record<string, JsonSchema>);
    const target = new Map(
      definitions.map(([name, definition]) => [
        name,
        isReference(definition) ? definition.$ref : `${COMPONENT_PATH}${prefix}${name}`,
      ]),
    );
    const rename = (value: JsonSchema): JsonSchema =>
      JSON.parse(
        JSON.stringify(value).replace(/"#\/\$defs\/([\w-]+)"/g, (_, name: string) =>
          JSON.stringify(target.get(name)),
        ),
      ) as JsonSchema;
    for (const [name, definition] of definitions) {
      if (!isReference(definition)) this.components[`${prefix}${name}`] = rename(definition);
    }
    return rename(rest);
  }

  /** Query parameters: one per property of the query's object schema. */
  query(prefix: string, schema: z.ZodObject, descriptions: Record<string, string> = {}): JsonSchema[] {
    const json = this.body(prefix, schema) as {
      properties?: Record<string, JsonSchema>;
      required?: string[];
    };
    return Object.entries(json.properties ?? {}).map(([name, property]) => ({
      name,
      in: 'query',
      required: json.required?.includes(name) ?? false,
      schema: property,
      ...(descriptions[name] === undefined ? {} : { description: descriptions[name] }),
    }));
  }
}

/** A definition that only points to another schema. */
function isReference(definition: JsonSchema): definition is { $ref: string } {
  return typeof definition.$ref === 'string' && Object.keys(definition).length === 1;
}
