/**
 * Plugin configuration: defaults, validation and typed access.
 *
 * Everything an owner can set in the admin UI can also be declared here (config/plugins.* or the demo's
 * IDENTITY_BRIDGE_CONFIG file), so infrastructure-as-code set-ups never need the UI. Validation runs at
 * start-up and fails closed: a typo stops Strapi with a message naming the key, rather than running with a
 * silently ignored setting.
 */
import { z } from 'zod';
import { invitationsConfig } from '../lifecycle/config';
import { declaredConnectionsSchema } from '../sso/connections/declared';

export const PLUGIN_ID = 'identity-bridge';

const declaredToken = z
  .object({
    name: z.string().min(1),
    /** The bearer secret itself, e.g. from an environment variable. Stored hashed like any other token. */
    secret: z.string().min(24, 'declared SCIM token secrets must be at least 24 characters'),
    directory: z.string().min(1).optional(),
    description: z.string().optional(),
  })
  .strict();

const declaredDirectory = z
  .object({ name: z.string().min(1), description: z.string().optional() })
  .strict();

const scimConfig = z
  .object({
    /** Where the SCIM service provider answers, including Strapi's `/api` prefix. */
    basePath: z
      .string()
      .regex(/^\/[A-Za-z0-9/_.-]*[A-Za-z0-9_.-]$/, 'basePath must start with / and not end with /')
      .default('/api/scim/v2'),
    defaultPageSize: z.number().int().min(1).default(100),
    maxPageSize: z.number().int().min(1).default(1000),
    /** Request bodies above this size get 413 (SCIM error) before any parsing. */
    maxBodyBytes: z.number().int().min(1024).default(1024 * 1024),
    maxPatchOperations: z.number().int().min(1).default(1000),
    /** Filters the database cannot answer alone are evaluated over at most this many candidates. */
    maxFilterCandidates: z.number().int().min(100).default(10000),
    /** DELETE /Users/{id}: keep the admin user deactivated (default) or delete it too. */
    deleteMode: z.enum(['deactivate', 'delete']).default('deactivate'),
    /** Role given to admin users that SCIM creates (a role code such as `strapi-editor`, or a role name). */
    defaultRole: z.string().min(1).default('strapi-author'),
    /**
     * Members named in one Group POST, PUT or PATCH (all operations together). Entra sends at most a few
     * hundred per PATCH and Okta's group push the group's full list; above this the request gets 413 and
     * nothing is applied.
     */
    maxMembersPerRequest: z.number().int().min(1).default(10000),
    /**
     * Per-token rate limit (token bucket, per Strapi instance: N instances allow N × this). Over it: 429 with
     * Retry-After. `false` or `requestsPerSecond: 0` switches it off.
     */
    rateLimit: z
      .union([
        z.literal(false),
        z
          .object({
            requestsPerSecond: z.number().min(0).default(100),
            burst: z.number().int().min(1).default(200),
          })
          .strict(),
      ])
      .default({}),
    /**
     * At most this many SCIM writes run at once per instance; more wait their turn (up to
     * `writeQueueTimeoutMs`, then 503 with Retry-After). Keeps a burst of creates from starving lookups of
     * database connections and of the event loop (bench/burst.mjs). 8 leaves 2 of Strapi's default 10
     * PostgreSQL connections to reads and does not slow bench/scim.mjs's 8-way create. 0 = no limit.
     */
    maxConcurrentWrites: z.number().int().min(0).default(8),
    writeQueueTimeoutMs: z.number().int().min(100).default(10000),
  })
  .strict();

export const configSchema = z
  .object({
    scim: scimConfig.default({}),
    directories: z.array(declaredDirectory).default([]),
    tokens: z.array(declaredToken).default([]),
    /**
     * Mapping rules declared in configuration (then read-only at run time): `attributes` (declared identity
     * attributes) and `policy` (role rules, unmatched behaviour, folders). Validated in full at start-up.
     */
    mapping: z
      .object({ attributes: z.array(z.unknown()).default([]), policy: z.unknown(), content: z.array(z.unknown()).default([]) })
      .strict()
      .optional(),
    /**
     * Deprovision safety: once more than `maxCount` people — or more than `maxShare` of a directory — were
     * deactivated or deleted within `windowMinutes`, further deactivations and deletions are held as staged
     * until an admin approves them.
     */
    deprovisionSafety: z
      .object({
        enabled: z.boolean().default(true),
        maxCount: z.number().int().min(0).default(25),
        maxShare: z.number().min(0).max(1).default(0.1),
        /** Directories smaller than this are judged by `maxCount` only (a share of 3 people means little). */
        minDirectorySize: z.number().int().min(1).default(20),
        windowMinutes: z.number().int().min(1).default(60),
      })
      .strict()
      .default({}),
    invitations: invitationsConfig.default({}),
    provisioningLog: z
      .object({ retentionDays: z.number().int().min(1).default(30) })
      .strict()
      .default({}),
    /**
     * Single sign-on connections declared here (read-only at run time; the admin API refuses to change them).
     * Each entry is validated by the schema of its `type` (see sso/connections/schema.ts for every key).
     */
    connections: declaredConnectionsSchema,
    sso: z
      .object({
        /**
         * Key for encrypting connection secrets at rest (AES-256-GCM): 64 hex characters, base64 of 32 bytes,
         * or a passphrase of at least 32 characters. Else IDENTITY_BRIDGE_ENCRYPTION_KEY, else derived from
         * Strapi's admin.auth.secret with HKDF.
         */
        encryptionKey: z.string().min(32, 'sso.encryptionKey must be at least 32 characters').optional(),
        /** How long a started sign-in may take before its callback is refused. */
        loginTimeoutMinutes: z.number().int().min(1).max(60).default(10),
        /**
         * Login method policy declared here (read-only at run time): admin users (by email) and roles (by
         * code) that must sign in through SSO. At least one Super Admin always keeps password sign-in.
         */
        loginPolicy: z
          .object({
            ssoOnlyUsers: z.array(z.string().trim().toLowerCase().email('ssoOnlyUsers are admin users\' email addresses')).default([]),
            ssoOnlyRoles: z.array(z.string().trim().min(1)).default([]),
          })
          .strict()
          .optional(),
      })
      .strict()
      .default({}),
  })
  .passthrough();

export type PluginConfig = z.infer<typeof configSchema>;
export type ScimConfig = PluginConfig['scim'];

export const DEFAULT_DIRECTORY_NAME = 'Default';

/** Strapi calls `validator` with the merged config and stops on a throw. */
export default {
  default: () => configSchema.parse({}),
  validator(config: unknown) {
    const result = configSchema.safeParse(config);
    if (!result.success) {
      const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
      throw new Error(`[${PLUGIN_ID}] invalid plugin configuration — ${problems.join('; ')}`);
    }
  },
};

/** The validated config with defaults applied (Strapi merges user config over `default()` but does not parse). */
export const readConfig = (raw: unknown): PluginConfig => configSchema.parse(raw ?? {});
