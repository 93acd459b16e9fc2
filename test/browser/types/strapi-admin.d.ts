/**
 * For the root tsconfig only (`tsc -p .`, which checks admin/src together with the server and the tests under
 * classic `node` module resolution): `@strapi/strapi/admin` is reached through package `exports`, which that
 * resolution does not read, so this points it at the same declarations. admin/tsconfig.json (Bundler
 * resolution, used by the plugin build) does not include this file and resolves the package's own entry.
 */
declare module '@strapi/strapi/admin' {
  export * from '@strapi/admin/dist/admin/src/index';
}
