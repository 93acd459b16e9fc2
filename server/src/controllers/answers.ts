/** What every admin API controller shares: zod input checks that answer 400 saying what to fix, and error answers. */
import { z } from 'zod';
import type { Context } from 'koa';

/** A positive integer id from the URL. */
export const idParam = z.coerce.number().int().positive();

/** Answers an error in Strapi's admin API format. */
export function fail(ctx: Context, status: number, name: string, message: string, details?: unknown): void {
  ctx.status = status;
  ctx.body = { error: { status, name, message, ...(details ? { details } : {}) } };
}

/**
 * The parsed input, or undefined after answering 400 with every problem and where it is (`what` names the input
 * when a problem is about all of it: the body or the query).
 */
export function parse<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, input: unknown, ctx: Context, what = 'body'): T | undefined {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  fail(ctx, 400, 'ValidationError', result.error.issues.map((issue) => `${issue.path.join('.') || what}: ${issue.message}`).join('; '));
  return undefined;
}
