/**
 * `connections: [...]` in the plugin config. Each entry is validated by the schema of its `type`; ids must be
 * unique. Issues keep their path (`connections.1.issuer: …`) so the start-up error names the key to fix.
 */
import { z } from 'zod';
import { oidcConnectionSchema, samlConnectionSchema, type OidcConnection, type SamlConnection } from './schema';

export type DeclaredConnection = OidcConnection | SamlConnection;

const SCHEMAS: Record<string, z.ZodType<DeclaredConnection, z.ZodTypeDef, unknown>> = {
  oidc: oidcConnectionSchema as z.ZodType<DeclaredConnection, z.ZodTypeDef, unknown>,
  saml: samlConnectionSchema as z.ZodType<DeclaredConnection, z.ZodTypeDef, unknown>,
};

export const declaredConnectionsSchema = z
  .array(z.unknown(), { invalid_type_error: 'connections must be a list' })
  .default([])
  .transform((list, ctx): DeclaredConnection[] => {
    const parsed: DeclaredConnection[] = [];
    const seen = new Set<string>();
    list.forEach((entry, index) => {
      const type = (entry as { type?: unknown } | null)?.type;
      const schema = typeof type === 'string' ? SCHEMAS[type] : undefined;
      if (!schema) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: [index, 'type'],
          message: `type must be one of: ${Object.keys(SCHEMAS).map((name) => `"${name}"`).join(', ')}`,
        });
        return;
      }
      const result = schema.safeParse(entry);
      if (!result.success) {
        for (const issue of result.error.issues) ctx.addIssue({ ...issue, path: [index, ...issue.path] });
        return;
      }
      if (seen.has(result.data.id)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [index, 'id'], message: `id "${result.data.id}" is declared twice` });
        return;
      }
      seen.add(result.data.id);
      parsed.push(result.data);
    });
    return parsed;
  });
