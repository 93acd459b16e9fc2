/**
 * The plugin's own content types. They are storage, not content: hidden from the Content Manager and the
 * Content-Type Builder, never published, read and written only through Strapi's query engine by
 * `server/src/directory/`. References between them are plain integer columns (not Strapi relations, which
 * add a join table per relation) so that every hot look-up is one indexed query; composite indexes are
 * declared here so Strapi's schema sync owns them.
 */

export interface IndexDefinition {
  name: string;
  columns: string[];
  type?: 'unique';
}

export interface StorageTypeOptions {
  singularName: string;
  pluralName: string;
  displayName: string;
  collectionName: string;
  attributes: Record<string, Record<string, unknown>>;
  indexes?: IndexDefinition[];
}

export const defineStorageType = (options: StorageTypeOptions) => ({
  schema: {
    kind: 'collectionType',
    collectionName: options.collectionName,
    info: {
      singularName: options.singularName,
      pluralName: options.pluralName,
      displayName: options.displayName,
    },
    options: { draftAndPublish: false },
    pluginOptions: {
      'content-manager': { visible: false },
      'content-type-builder': { visible: false },
      i18n: { localized: false },
    },
    attributes: options.attributes,
    indexes: options.indexes ?? [],
  },
});

export const integer = (extra: Record<string, unknown> = {}) => ({ type: 'integer', ...extra });
export const string = (extra: Record<string, unknown> = {}) => ({ type: 'string', ...extra });
export const text = () => ({ type: 'text' });
export const json = () => ({ type: 'json' });
export const boolean = (defaultValue: boolean) => ({ type: 'boolean', default: defaultValue });
export const datetime = () => ({ type: 'datetime' });
