import type { z } from 'zod';
import { type Query, type SagaApiClient, expectShape } from './api-client';

/** A page as the API's listings give it: `{ items, nextCursor }`. */
type PageSchema<Item> = z.ZodType<{ items: Item[]; nextCursor: string | null }>;

export interface Pages<Item> {
  /** The items as checked, for tables. */
  items: Item[];
  /** The items as the API gave them, for `--json`. */
  rawItems: unknown[];
  /** Where the next page starts, when there is one left unread. */
  nextCursor: string | undefined;
}

/** One page of a listing from `cursor` on, or with `all` every page after it. */
export async function readPages<Item>(
  api: SagaApiClient,
  path: string,
  schema: PageSchema<Item>,
  request: { query: Query; cursor: string | undefined; all: boolean },
): Promise<Pages<Item>> {
  const pages: Pages<Item> = { items: [], rawItems: [], nextCursor: request.cursor };
  do {
    const { body } = await api.send('GET', path, { query: { ...request.query, cursor: pages.nextCursor } });
    const page = expectShape(schema, body, `GET ${path}`);
    pages.items.push(...page.items);
    pages.rawItems.push(...(body as { items: unknown[] }).items);
    pages.nextCursor = page.nextCursor ?? undefined;
  } while (request.all && pages.nextCursor !== undefined);
  return pages;
}

/** `--json` of a listing: the page as the API gave it, or every item read. */
export function pagesAsJson(pages: Pages<unknown>): { items: unknown[]; nextCursor: string | null } {
  return { items: pages.rawItems, nextCursor: pages.nextCursor ?? null };
}
