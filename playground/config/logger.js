const { winston, formats } = require('@strapi/logger');

// STRAPI_LOG_LEVEL lets the test suite keep Strapi quiet (error) while the demo shows everything (http).
module.exports = ({ env }) => ({
  level: env('STRAPI_LOG_LEVEL', 'http'),
  format: formats.prettyPrint(),
  transports: [new winston.transports.Console()],
});
