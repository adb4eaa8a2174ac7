/**
 * A stand-in for the Vigil server in the "Janus dies with its owner" test: run as
 * `node tests/support/janus-owner.ts <configDir>`, it starts Janus through JanusProcess, prints
 * `{"janusPid":…}` on one line and waits to be killed.
 */
import { registerHooks } from 'node:module';
import { pino } from 'pino';

// Node runs this file with type stripping but resolves `./x.js` literally; the sources are `./x.ts`.
registerHooks({
  resolve(specifier, context, next) {
    try {
      return next(specifier, context);
    } catch (error) {
      if (!specifier.startsWith('.') || !specifier.endsWith('.js')) throw error;
      return next(specifier.slice(0, -3) + '.ts', context);
    }
  },
});

const configDir = process.argv[2];
if (configDir === undefined) throw new Error('usage: janus-owner.ts <configDir>');
const { JanusProcess } = await import('../../server/live/janus/janus-process.js');
const janus = await JanusProcess.start({ configDir, logger: pino({ level: 'silent' }) });
process.stdout.write(JSON.stringify({ janusPid: janus.health().pid }) + '\n');
setInterval(() => undefined, 60_000);
