/** Typed reads of a GraphDef node's attributes; a missing required one is refused with the node's name. */
import { ConvertError } from './errors.js';
import type { GraphNode } from './tfjs-graph.js';

export function attrInt(node: GraphNode, key: string, fallback?: number): number {
  const attr = node.attr[key];
  if (attr?.kind === 'int') return attr.value;
  if (fallback !== undefined) return fallback;
  throw new ConvertError('UNSUPPORTED_ATTR', `${node.name} (${node.op}) has no integer attribute ${key}`);
}

export function attrBool(node: GraphNode, key: string, fallback = false): boolean {
  const attr = node.attr[key];
  return attr?.kind === 'bool' ? attr.value : fallback;
}

export function attrString(node: GraphNode, key: string, fallback?: string): string {
  const attr = node.attr[key];
  if (attr?.kind === 'string') return attr.value;
  if (fallback !== undefined) return fallback;
  throw new ConvertError('UNSUPPORTED_ATTR', `${node.name} (${node.op}) has no string attribute ${key}`);
}

export function attrInts(node: GraphNode, key: string, fallback?: number[]): number[] {
  const attr = node.attr[key];
  if (attr?.kind === 'ints') return attr.value;
  if (fallback !== undefined) return fallback;
  throw new ConvertError(
    'UNSUPPORTED_ATTR',
    `${node.name} (${node.op}) has no integer list attribute ${key}`,
  );
}

export function attrStrings(node: GraphNode, key: string): string[] {
  const attr = node.attr[key];
  return attr?.kind === 'strings' ? attr.value : [];
}

export function attrFloat(node: GraphNode, key: string, fallback: number): number {
  const attr = node.attr[key];
  return attr?.kind === 'float' ? attr.value : fallback;
}

export function attrType(node: GraphNode, key: string): string {
  const attr = node.attr[key];
  if (attr?.kind === 'type') return attr.value;
  throw new ConvertError('UNSUPPORTED_ATTR', `${node.name} (${node.op}) has no type attribute ${key}`);
}

/** Images must be NHWC (tfjs-converter's graphs are); NCHW data_format is refused, not guessed. */
export function requireNhwc(node: GraphNode): void {
  const format = attrString(node, 'data_format', 'NHWC');
  if (format !== 'NHWC') throw new ConvertError('UNSUPPORTED_ATTR', `${node.name}: data_format ${format}`);
}
