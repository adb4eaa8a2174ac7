/**
 * Converts the shipped models into a folder: `<id>.onnx` and `<id>.manifest.json` each. A model is redone only
 * when its manifest names another source package version or converter build, so setup stays quick. Files are
 * written under a temporary name and renamed, so a cut-off run never leaves a half model behind.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { convertGraph } from './convert.js';
import { readTfjsGraph } from './tfjs-graph.js';
import { SHIPPED_MODELS, SOURCE_PACKAGE, type ShippedModel } from '../models/catalogue.js';
import type { ModelManifest } from '../models/manifest.js';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The source package's folder and version, as installed. */
export async function sourcePackage(): Promise<{ dir: string; version: string }> {
  // The package's exports hide its package.json and models/: walk up from its entry point instead.
  let dir = dirname(createRequire(import.meta.url).resolve(SOURCE_PACKAGE));
  for (;;) {
    try {
      const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version: string;
      };
      if (pkg.name === SOURCE_PACKAGE) return { dir, version: pkg.version };
    } catch {
      // not this folder
    }
    if (dirname(dir) === dir) throw new Error(`${SOURCE_PACKAGE} is not installed`);
    dir = dirname(dir);
  }
}

/** A digest of the converter's own code, so a changed converter redoes the models. */
async function converterDigest(): Promise<string> {
  const here = dirname(fileURLToPath(import.meta.url));
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  // Every module of the converter (not its CLI or tests), so a new one can never be left out of the digest.
  const files = (await readdir(here))
    .filter((f) => f.endsWith(ext) && !f.endsWith(`.test${ext}`) && f !== `main${ext}`)
    .sort();
  const hash = createHash('sha256');
  for (const file of files) hash.update(await readFile(join(here, file)));
  return hash.digest('hex').slice(0, 16);
}

async function writeAtomically(path: string, bytes: Uint8Array | string): Promise<void> {
  const temporary = `${path}.${process.pid}.partial`;
  await writeFile(temporary, bytes);
  await rename(temporary, path);
}

async function upToDate(manifestPath: string, version: string, converter: string): Promise<boolean> {
  try {
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as ModelManifest;
    return manifest.source.version === version && manifest.converter === converter;
  } catch {
    return false;
  }
}

export async function buildModel(
  model: ShippedModel,
  outDir: string,
  force = false,
): Promise<{ manifest: ModelManifest; converted: boolean }> {
  const { dir, version } = await sourcePackage();
  const converter = await converterDigest();
  const manifestPath = join(outDir, `${model.id}.manifest.json`);
  if (!force && (await upToDate(manifestPath, version, converter))) {
    return { manifest: JSON.parse(await readFile(manifestPath, 'utf8')) as ModelManifest, converted: false };
  }
  const modelJson = join(dir, model.source);
  const graph = await readTfjsGraph(modelJson);
  const converted = convertGraph(graph, `${model.id} from ${SOURCE_PACKAGE}@${version} ${model.source}`);
  const weightsFile = model.source.replace(/\.json$/, '.bin');
  const manifest: ModelManifest = {
    id: model.id,
    task: model.task,
    about: model.about,
    file: `${model.id}.onnx`,
    sha256: sha256(converted.bytes),
    bytes: converted.bytes.length,
    source: {
      package: SOURCE_PACKAGE,
      version,
      files: {
        [model.source]: sha256(await readFile(modelJson)),
        [weightsFile]: sha256(await readFile(join(dir, weightsFile))),
      },
    },
    converter,
    input: model.input,
    inputs: converted.inputs,
    outputs: converted.outputs,
    labels: model.labels ? [...model.labels] : [],
    onnx: { ops: converted.onnxOps, nodes: converted.nodeCount, layoutTransposes: converted.transposes },
  };
  await mkdir(outDir, { recursive: true });
  await writeAtomically(join(outDir, manifest.file), converted.bytes);
  await writeAtomically(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return { manifest, converted: true };
}

export async function buildModels(outDir: string, force = false): Promise<ModelManifest[]> {
  const manifests: ModelManifest[] = [];
  for (const model of SHIPPED_MODELS) manifests.push((await buildModel(model, outDir, force)).manifest);
  return manifests;
}
