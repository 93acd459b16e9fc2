const fs = require('fs');
const path = require('path');

/**
 * The plugin is loaded from this repository (`resolve`), so the playground always runs the current source
 * (after `npm run build` at the repository root, which the demo and test commands do).
 *
 * IDENTITY_BRIDGE_CONFIG may name a JSON file whose content is merged over this config: the way to declare
 * directories, tokens (and later connections and mapping rules) without touching the UI.
 */
const readConfigFile = (file) => {
  if (!file) return {};
  try {
    return JSON.parse(fs.readFileSync(path.resolve(file), 'utf8'));
  } catch (error) {
    throw new Error(`IDENTITY_BRIDGE_CONFIG: cannot read ${file}: ${error.message}`);
  }
};

const isObject = (value) => value && typeof value === 'object' && !Array.isArray(value);
const deepMerge = (base, extra) => {
  const result = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    result[key] = isObject(value) && isObject(base[key]) ? deepMerge(base[key], value) : value;
  }
  return result;
};

/** The repository root (this config also runs compiled from playground/dist/config). */
const repositoryRoot = () => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'strapi-server.js'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('identity-bridge playground: cannot find the plugin repository root');
    dir = parent;
  }
  return dir;
};

/**
 * Strapi's email plugin (invitation emails): SMTP through @strapi/provider-email-nodemailer when SMTP_HOST
 * is set — a local relay or test server by default (no TLS, no auth); SMTP_USERNAME/SMTP_PASSWORD add
 * auth, SMTP_SECURE/SMTP_IGNORE_TLS change the transport. Without SMTP_HOST, Strapi's default (sendmail)
 * stays as it is.
 */
const emailConfig = (env) => {
  if (!env('SMTP_HOST')) return {};
  const from = env('SMTP_FROM', 'Strapi <no-reply@example.com>');
  return {
    email: {
      config: {
        provider: 'nodemailer',
        providerOptions: {
          host: env('SMTP_HOST'),
          port: env.int('SMTP_PORT', 25),
          secure: env.bool('SMTP_SECURE', false),
          ignoreTLS: env.bool('SMTP_IGNORE_TLS', true),
          ...(env('SMTP_USERNAME') ? { auth: { user: env('SMTP_USERNAME'), pass: env('SMTP_PASSWORD', '') } } : {}),
          // Fail fast when the relay is down: invitations are best-effort and never hold provisioning up.
          connectionTimeout: env.int('SMTP_CONNECTION_TIMEOUT_MS', 10000),
          greetingTimeout: env.int('SMTP_GREETING_TIMEOUT_MS', 10000),
          socketTimeout: env.int('SMTP_SOCKET_TIMEOUT_MS', 30000),
        },
        settings: { defaultFrom: from, defaultReplyTo: env('SMTP_REPLY_TO', from) },
      },
    },
  };
};

module.exports = ({ env }) => {
  const base = { scim: {} };
  const fromFile = readConfigFile(env('IDENTITY_BRIDGE_CONFIG'));
  const config = deepMerge(base, fromFile);
  // For infrastructure-as-code set-ups: a fixed SCIM token from the environment.
  if (env('IDENTITY_BRIDGE_SCIM_TOKEN')) {
    config.tokens = [...(config.tokens || []), { name: 'IDENTITY_BRIDGE_SCIM_TOKEN', secret: env('IDENTITY_BRIDGE_SCIM_TOKEN') }];
  }
  return {
    'identity-bridge': { enabled: true, resolve: repositoryRoot(), config },
    ...emailConfig(env),
  };
};
