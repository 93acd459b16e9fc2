/**
 * Where the mapping rules in force come from: the plugin configuration (read-only then), else the
 * database (edited through the admin API), else the built-in default — new admin users get the default
 * role and SCIM never changes roles afterwards.
 */
import {
  DEFAULT_POLICY,
  validateDeclaredAttributes,
  validatePolicy,
  type DeclaredAttribute,
  type MappingPolicy,
} from '../mapping';
import { StaleSettingError, type DirectoryStore } from '../directory';
import { validateContentBindings, type ContentBinding } from '../access/content-bindings';

export const MAPPING_SETTING_KEY = 'mapping';

export interface MappingSettings {
  attributes: DeclaredAttribute[];
  policy: MappingPolicy;
  /** Which content-type fields must match which identity attributes (the access condition). */
  content: ContentBinding[];
}

export interface ActiveMapping extends MappingSettings {
  version: number;
  source: 'config' | 'database' | 'default';
  /** Roles follow the rules on every change only once an owner has set rules; before that SCIM sets them once. */
  managesRoles: boolean;
}

export class MappingValidationError extends Error {
  constructor(readonly errors: string[]) {
    super(`invalid mapping: ${errors.join('; ')}`);
  }
}

export class MappingReadOnlyError extends Error {
  constructor() {
    super('the mapping is declared in the plugin configuration and cannot be changed at run time');
  }
}

/** Validates declared attributes and a policy together; `knownRoles` are the admin role codes that exist. */
export function validateMappingSettings(
  input: { attributes?: unknown; policy?: unknown; content?: unknown },
  knownRoles?: string[]
): MappingSettings {
  const declared = validateDeclaredAttributes(input.attributes ?? []);
  const checked = validatePolicy(input.policy, declared.attributes, knownRoles);
  const content = validateContentBindings(input.content, declared.attributes.map((attribute) => attribute.key));
  const errors = [...declared.errors, ...checked.errors, ...content.errors];
  if (errors.length > 0) throw new MappingValidationError(errors);
  return { attributes: declared.attributes, policy: checked.policy, content: content.bindings };
}

/** Short enough that other instances see a rule change within seconds; the DB read is one indexed row. */
const CACHE_MS = 2_000;

export function createMappingRules(store: DirectoryStore, options: { fromConfig?: MappingSettings; defaultRole: string }) {
  let cached: { mapping: ActiveMapping; until: number } | undefined;
  let reading: Promise<ActiveMapping> | undefined;

  async function load(): Promise<ActiveMapping> {
    if (options.fromConfig) return { ...options.fromConfig, version: 0, source: 'config', managesRoles: true };
    const stored = await store.settings.get<MappingSettings>(MAPPING_SETTING_KEY);
    if (stored) return { ...stored.value, content: stored.value.content ?? [], version: stored.version, source: 'database', managesRoles: true };
    return { attributes: [], policy: DEFAULT_POLICY(options.defaultRole), content: [], version: 0, source: 'default', managesRoles: false };
  }

  return {
    async current(): Promise<ActiveMapping> {
      if (cached && cached.until > Date.now()) return cached.mapping;
      // Concurrent callers share one read; a read overtaken by `invalidate` answers but is not cached.
      if (!reading) {
        const read: Promise<ActiveMapping> = load()
          .then((mapping) => {
            if (reading === read) cached = { mapping, until: Date.now() + CACHE_MS };
            return mapping;
          })
          .finally(() => {
            if (reading === read) reading = undefined;
          });
        reading = read;
      }
      return reading;
    },

    /** Saves new rules if nobody saved in between (`expectedVersion`), and marks everyone for re-mapping. */
    async save(settings: MappingSettings, expectedVersion: number): Promise<ActiveMapping> {
      if (options.fromConfig) throw new MappingReadOnlyError();
      try {
        await store.settings.put(MAPPING_SETTING_KEY, settings, expectedVersion);
      } finally {
        cached = undefined;
        reading = undefined;
      }
      await store.identities.markStale();
      return this.current();
    },

    invalidate() {
      cached = undefined;
      reading = undefined;
    },
  };
}

export type MappingRules = ReturnType<typeof createMappingRules>;
export { StaleSettingError };
