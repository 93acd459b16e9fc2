/**
 * Content bindings: for a content type, which of its fields must match which identity attribute for an
 * editor to see and edit an entry (e.g. `api::article.article` field `team` ↔ declared attribute `team`,
 * field `folder` ↔ the folders attribute). Read by the RBAC conditions at every admin request.
 */
import { z } from 'zod';

export interface ContentBinding {
  /** Content-type uid, e.g. `api::article.article`. */
  uid: string;
  /** The entry's field compared with the person's values. */
  field: string;
  /** A declared attribute key (`team`) or the policy's folders attribute (`folders`). */
  attribute: string;
}

const binding = z
  .object({
    uid: z.string().regex(/^(api|plugin)::[\w-]+\.[\w-]+$/, 'uid must look like api::article.article'),
    field: z.string().regex(/^[A-Za-z_][\w]*$/, 'field must be an attribute name of the content type'),
    attribute: z.string().min(1),
  })
  .strict();

/** Validates bindings against the declared attribute keys; the content types are checked by the caller. */
export function validateContentBindings(input: unknown, declaredKeys: string[]): { bindings: ContentBinding[]; errors: string[] } {
  const parsed = z.array(binding).safeParse(input ?? []);
  if (!parsed.success) {
    return { bindings: [], errors: parsed.error.issues.map((issue) => `content.${issue.path.join('.')}: ${issue.message}`) };
  }
  const errors = parsed.data.flatMap((entry, index) =>
    declaredKeys.includes(entry.attribute) ? [] : [`content.${index}: attribute "${entry.attribute}" is not declared`]
  );
  return { bindings: parsed.data, errors };
}

/**
 * The query an RBAC condition returns for one person: every binding of the content type must match one of
 * their values. No binding, or a binding the person has no value for, gives `false` — fail closed.
 */
export function entryConstraint(
  bindings: ContentBinding[],
  valuesOf: (attribute: string) => string[]
): false | Record<string, unknown> {
  if (bindings.length === 0) return false;
  const clauses: Record<string, unknown>[] = [];
  for (const { field, attribute } of bindings) {
    const values = valuesOf(attribute);
    if (values.length === 0) return false;
    clauses.push({ [field]: { $in: values } });
  }
  return clauses.length === 1 ? clauses[0]! : { $and: clauses };
}
