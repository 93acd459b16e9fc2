/**
 * Jest transformer: TypeScript → CommonJS with esbuild (already a dependency of the plugin build), so tests
 * run the sources as they are, without a type check (`npm test` type-checks once, separately).
 */
const { transformSync } = require('esbuild');

module.exports = {
  process(source, filename) {
    const result = transformSync(source, {
      loader: filename.endsWith('.tsx') ? 'tsx' : filename.endsWith('.ts') ? 'ts' : 'js',
      format: 'cjs',
      target: 'node20',
      sourcemap: 'inline',
      sourcefile: filename,
    });
    return { code: result.code };
  },
};
