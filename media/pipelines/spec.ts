/**
 * Pipelines as data. A description is a list of chains (each a list of nodes joined by `!`) plus a list of
 * property settings applied after parsing. Only `toLaunchString` turns a description into GStreamer's launch
 * syntax, and it accepts nothing but factory names, element names, numbers, booleans and plain enum tokens:
 * a user's URL, path, device or credential has no way into the string, by construction and by check.
 */

/** Values a launch string may carry: numbers, booleans and enum nicks such as `tcp` or `zerolatency`. */
export type LaunchValue = number | boolean | string;

export interface ElementNode {
  readonly kind: 'element';
  readonly factory: string;
  readonly name?: string;
  readonly props: Readonly<Record<string, LaunchValue>>;
}

export interface Fraction {
  readonly num: number;
  readonly den: number;
}

export interface CapsNode {
  readonly kind: 'caps';
  readonly media: string;
  readonly fields: Readonly<Record<string, LaunchValue | Fraction>>;
}

/** `name.`: starts a branch from a named element (a tee), or `name.pad` ends one on a pad of it. */
export interface RefNode {
  readonly kind: 'ref';
  readonly name: string;
  /** A pad (template) name, e.g. splitmuxsink's `audio_%u`, when linking by caps would pick the wrong one. */
  readonly pad?: string;
}

export type PipelineNode = ElementNode | CapsNode | RefNode;
export type Chain = readonly PipelineNode[];

/** A property set on a parsed element: the only way user values (URLs, paths, credentials) reach GStreamer. */
export interface PropertySetting {
  readonly element: string;
  readonly property: string;
  readonly value: string | number | boolean;
  /** Credentials: scrubbed from every message the worker sends. */
  readonly secret?: true;
}

export interface PipelineDescription {
  readonly chains: readonly Chain[];
  readonly properties: readonly PropertySetting[];
}

/** A builder produced something the launch syntax must not carry: a bug, never a user error. */
export class InvalidPipelineSpecError extends Error {
  readonly code = 'PIPELINE_ERROR';
}

export function el(factory: string, props: Record<string, LaunchValue> = {}, name?: string): ElementNode {
  return name === undefined ? { kind: 'element', factory, props } : { kind: 'element', factory, name, props };
}

export function caps(media: string, fields: Record<string, LaunchValue | Fraction> = {}): CapsNode {
  return { kind: 'caps', media, fields };
}

export function ref(name: string, pad?: string): RefNode {
  return pad === undefined ? { kind: 'ref', name } : { kind: 'ref', name, pad };
}

export function fraction(num: number, den: number): Fraction {
  return { num, den };
}

const FACTORY = /^[a-z][a-z0-9_]*$/;
const NAME = /^[a-z][a-z0-9-]*$/;
const PAD = /^[a-z][a-z0-9_]*(%u)?$/;
const MEDIA = /^[a-z]+\/[a-z0-9.+-]+$/;
const TOKEN = /^[A-Za-z0-9][A-Za-z0-9_+-]*$/;

function check(ok: boolean, what: string): void {
  if (!ok) throw new InvalidPipelineSpecError(`refusing to put ${what} into a launch string`);
}

function value(v: LaunchValue | Fraction, what: string): string {
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') {
    check(Number.isFinite(v) && Math.abs(v) < 1e15, `${what} (not a finite number)`);
    return Number.isInteger(v) ? String(v) : v.toFixed(6);
  }
  if (typeof v === 'string') {
    check(TOKEN.test(v), `${what} (not a plain token)`);
    return v;
  }
  check(Number.isInteger(v.num) && Number.isInteger(v.den) && v.num >= 0 && v.den > 0, `${what} (fraction)`);
  return `${v.num}/${v.den}`;
}

function render(node: PipelineNode): string {
  switch (node.kind) {
    case 'ref':
      check(NAME.test(node.name), 'an element reference');
      if (node.pad === undefined) return `${node.name}.`;
      check(PAD.test(node.pad), 'a pad name');
      return `${node.name}.${node.pad}`;
    case 'caps': {
      check(MEDIA.test(node.media), 'a media type');
      const fields = Object.entries(node.fields).map(([key, v]) => {
        check(NAME.test(key), 'a caps field name');
        return `${key}=${value(v, `caps field ${key}`)}`;
      });
      return [node.media, ...fields].join(',');
    }
    case 'element': {
      check(FACTORY.test(node.factory), 'a factory name');
      const parts = [node.factory];
      if (node.name !== undefined) {
        check(NAME.test(node.name), 'an element name');
        parts.push(`name=${node.name}`);
      }
      for (const [key, v] of Object.entries(node.props)) {
        check(NAME.test(key) && key !== 'name', 'a property name');
        parts.push(`${key}=${value(v, `property ${key}`)}`);
      }
      return parts.join(' ');
    }
  }
}

/** The one place a launch string is made. Throws InvalidPipelineSpecError on anything but safe tokens. */
export function toLaunchString(description: Pick<PipelineDescription, 'chains'>): string {
  return description.chains
    .map((chain) => {
      check(chain.length > 0, 'an empty chain');
      return chain.map(render).join(' ! ');
    })
    .join(' ');
}

/** The credentials among a description's property settings, for scrubbing. */
export function secretsOf(description: Pick<PipelineDescription, 'properties'>): string[] {
  return description.properties.flatMap((p) => (p.secret && typeof p.value === 'string' ? [p.value] : []));
}
