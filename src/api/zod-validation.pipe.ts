import type { PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { ValidationFailedError } from '../core/errors';

/** Validates a request part with a zod schema; every failing field becomes one `details` entry. */
export class ZodValidationPipe<Schema extends z.ZodType> implements PipeTransform<unknown, z.infer<Schema>> {
  constructor(
    private readonly schema: Schema,
    private readonly part: 'request body' | 'query' | 'headers',
  ) {}

  transform(value: unknown): z.infer<Schema> {
    const result = this.schema.safeParse(value);
    if (result.success) return result.data;
    const details = result.error.issues.flatMap((issue) => {
      // Array positions of repeated query parameters are not fields of their own (status.1 → status).
      const base = issue.path
        .filter((segment) => this.part === 'request body' || typeof segment !== 'number')
        .map(String)
        .join('.');
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((key) => ({
          path: [base, key].filter(Boolean).join('.'),
          message: 'unknown field',
        }));
      }
      return [{ path: base || '(root)', message: issue.message }];
    });
    const summary = details.map((d) => `${d.path}: ${d.message}`).join('; ');
    throw new ValidationFailedError(`invalid ${this.part}: ${summary}`, details);
  }
}
