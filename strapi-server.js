'use strict';
// Fallback entry for Strapi versions that read the plugin root instead of package.json "exports".
module.exports = require('./dist/server');
