/**
 * The SCIM 2.0 protocol layer (RFC 7643 / RFC 7644), framework-free: errors, schemas, filters and paths,
 * resources in their canonical stored form, PATCH, projections, list queries, ETags and discovery.
 * The HTTP glue and the storage layer live elsewhere and meet this layer only through these exports.
 */
export * from './errors';
export * from './schema/urns';
export * from './schema/attributes';
export * from './filter';
export * from './resources';
export * from './patch';
export * from './projection';
export * from './list';
export * from './etag';
export * from './discovery';
