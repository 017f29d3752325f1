/**
 * Searches that answer only what the user may read. The handler is called page after page
 * with `max_results` set to what is still missing, so no page overshoots: the last page's
 * token points exactly after the last row examined, and paging stays correct whatever was
 * left out. Rows the user may not read are dropped; the page ends when it is full or the
 * results end.
 */
import type { HandlerResult } from '../router.js';
import { inputOf, type RuleContext } from './rule.js';

/** A bound on handler calls for one page, so a user who may read almost nothing cannot make one request scan everything. */
const MAX_ROUNDS = 50;

export async function filteredSearch(
  ctx: RuleContext,
  listKey: string,
  defaultMax: number,
  canRead: (row: Record<string, unknown>, lookup: Awaited<ReturnType<RuleContext['lookup']>>) => boolean,
): Promise<HandlerResult> {
  const input = await inputOf(ctx);
  const lookup = await ctx.lookup();
  const asked = input.max_results === undefined || input.max_results === '' ? defaultMax : Number(input.max_results);
  // A value the handler will refuse: let it refuse it, with its own message.
  if (!Number.isInteger(asked) || asked <= 0) return ctx.next();
  const rows: unknown[] = [];
  let token = typeof input.page_token === 'string' && input.page_token !== '' ? input.page_token : undefined;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const page = (await ctx.next({ ...input, max_results: asked - rows.length, ...(token !== undefined && { page_token: token }) })) as Record<string, unknown>;
    for (const row of (page[listKey] as Record<string, unknown>[] | undefined) ?? []) if (canRead(row, lookup)) rows.push(row);
    token = typeof page.next_page_token === 'string' && page.next_page_token !== '' ? page.next_page_token : undefined;
    if (token === undefined || rows.length >= asked) break;
  }
  return { ...(rows.length > 0 && { [listKey]: rows }), ...(token !== undefined && { next_page_token: token }) };
}
