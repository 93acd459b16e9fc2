/**
 * Three projects: `unit` (pure modules, fast, parallel), `integration` (boots the real playground Strapi app;
 * run in band, once per database client) and `browser` (headless Chromium on the built admin panel).
 * `scripts/test.mjs` runs them in that order.
 */
const transform = { '^.+\\.tsx?$': '<rootDir>/test/esbuild-transform.js' };

module.exports = {
  testTimeout: 120000,
  reporters: ['default', '<rootDir>/test/progress-reporter.js'],
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      roots: ['<rootDir>/test/unit'],
      testMatch: ['**/*.test.ts'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
      roots: ['<rootDir>/test/integration'],
      testMatch: ['**/*.test.ts'],
      // Anchored: an unanchored `.tmp` would also match /tmp/… paths.
      modulePathIgnorePatterns: ['<rootDir>/playground/\\.tmp/', '<rootDir>/playground/dist/'],
    },
    {
      // Real headless Chromium against the playground's built admin panel (SQLite).
      displayName: 'browser',
      testEnvironment: 'node',
      transform,
      roots: ['<rootDir>/test/browser'],
      testMatch: ['**/*.test.ts'],
      modulePathIgnorePatterns: ['<rootDir>/playground/\\.tmp/', '<rootDir>/playground/dist/'],
    },
  ],
};
