const fs = require('fs');
const path = require('path');

/** The playground folder, whether this file runs from config/ or compiled from dist/config/. */
const appRoot = () => {
  let dir = path.resolve(__dirname, '..');
  if (path.basename(dir) === 'dist' && fs.existsSync(path.join(dir, '..', 'package.json'))) dir = path.dirname(dir);
  return dir;
};

/**
 * knex prepares every SQLite statement afresh, and preparing costs more than running a small insert. Strapi
 * builds the same SQL text again and again, so prepared statements are kept by their text (most recently used
 * 500). better-sqlite3 runs a statement synchronously to its end, so one statement is never in use twice.
 */
function cachePreparedStatements(connection, limit = 500) {
  const prepare = connection.prepare.bind(connection);
  const cache = new Map();
  connection.prepare = (sql) => {
    let statement = cache.get(sql);
    if (statement) {
      cache.delete(sql);
    } else {
      statement = prepare(sql);
      if (cache.size >= limit) cache.delete(cache.keys().next().value);
    }
    cache.set(sql, statement);
    return statement;
  };
}

/** SQLite by default; PostgreSQL when DATABASE_CLIENT=postgres (DATABASE_URL or DATABASE_HOST/PORT/NAME/USERNAME/PASSWORD). */
module.exports = ({ env }) => {
  const client = env('DATABASE_CLIENT', 'sqlite');
  if (client === 'postgres') {
    return {
      connection: {
        client: 'postgres',
        connection: env('DATABASE_URL')
          ? { connectionString: env('DATABASE_URL') }
          : {
              host: env('DATABASE_HOST', '127.0.0.1'),
              port: env.int('DATABASE_PORT', 5432),
              database: env('DATABASE_NAME', 'strapi'),
              user: env('DATABASE_USERNAME', 'strapi'),
              password: env('DATABASE_PASSWORD', 'strapi'),
              schema: env('DATABASE_SCHEMA', 'public'),
            },
        pool: { min: env.int('DATABASE_POOL_MIN', 2), max: env.int('DATABASE_POOL_MAX', 10) },
        // knex waits 60 s for a pool connection by default: with the database down, every request would hang
        // that long. 10 s bounds it, and the SCIM API answers 503 + Retry-After instead.
        acquireConnectionTimeout: env.int('DATABASE_ACQUIRE_TIMEOUT', 10000),
      },
    };
  }
  return {
    connection: {
      client: 'sqlite',
      connection: { filename: path.resolve(appRoot(), env('DATABASE_FILENAME', '.tmp/data.db')) },
      useNullAsDefault: true,
      // WAL lets readers run while a write commits, and synchronous=NORMAL is durable across application
      // crashes: the usual settings for SQLite behind a server. Strapi keeps its own pragmas alongside.
      pool: {
        afterCreate(connection, done) {
          connection.pragma('journal_mode = WAL');
          connection.pragma('synchronous = NORMAL');
          cachePreparedStatements(connection);
          done(null, connection);
        },
      },
    },
  };
};
