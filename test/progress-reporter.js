/**
 * Prints a line when each integration or browser test file starts (with the time), and every two minutes
 * while one is still running. Jest reports a file only once it ends, so without this a run that is stopped
 * in the middle of a file (scripts/test.mjs's time limits) would not say which file it was.
 */
'use strict';

const time = () => new Date().toISOString().slice(11, 19);

class ProgressReporter {
  constructor() {
    this.running = new Map();
  }

  onTestFileStart(test) {
    const project = test.context.config.displayName?.name;
    if (project === 'unit') return;
    const file = test.path.slice(test.context.config.rootDir.length + 1);
    const started = Date.now();
    process.stdout.write(`${time()} ▶ ${project} ${file}\n`);
    const timer = setInterval(() => {
      process.stdout.write(`${time()} … ${file} still running after ${Math.round((Date.now() - started) / 60_000)} min\n`);
    }, 120_000);
    timer.unref();
    this.running.set(test.path, timer);
  }

  onTestFileResult(test) {
    clearInterval(this.running.get(test.path));
    this.running.delete(test.path);
  }

  getLastError() {
    return undefined;
  }
}

module.exports = ProgressReporter;
