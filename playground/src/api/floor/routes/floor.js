'use strict';

/**
 * Strapi's own floor for the SCIM benchmark (bench/scim.mjs): a content-API route that does what every SCIM
 * request must do at minimum — go through Strapi's routing and middleware stack and check a bearer token —
 * and nothing else (no database).
 */
module.exports = {
  routes: [
    {
      method: 'GET',
      path: '/floor',
      handler: 'floor.index',
      config: { auth: false },
    },
  ],
};
