import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  buildJanusConfig,
  DEBIAN_JANUS_LIB_DIR,
  type InstalledModules,
  type JanusConfigOptions,
  type JanusModuleKind,
} from './janus-config.js';

/** The `.so` modules Janus would load from each of its folders (it skips versioned names like `.so.1`). */
export async function listInstalledModules(libDir = DEBIAN_JANUS_LIB_DIR): Promise<InstalledModules> {
  const kinds: readonly JanusModuleKind[] = ['plugins', 'transports', 'events', 'loggers'];
  const found = await Promise.all(
    kinds.map(async (kind) => {
      try {
        return (await readdir(path.join(libDir, kind))).filter((name) => name.endsWith('.so'));
      } catch (error) {
        // A missing folder holds nothing to disable; Janus fails loudly later if the plugin itself is missing.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
    }),
  );
  const [plugins = [], transports = [], events = [], loggers = []] = found;
  return { plugins, transports, events, loggers };
}

/**
 * Writes the generated files into `options.configDir` (0700) as 0600 files: they hold the API secret and the
 * Streaming admin key. Returns the path of `janus.jcfg`.
 */
export async function writeJanusConfig(options: JanusConfigOptions): Promise<string> {
  const files = buildJanusConfig(options, await listInstalledModules(options.libDir));
  await mkdir(options.configDir, { recursive: true, mode: 0o700 });
  // mkdir leaves an existing folder's mode alone.
  await chmod(options.configDir, 0o700);
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(options.configDir, name);
    await writeFile(file, text, { mode: 0o600 });
    await chmod(file, 0o600);
  }
  return path.join(options.configDir, 'janus.jcfg');
}
