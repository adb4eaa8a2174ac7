/**
 * Janus reads its configuration with libconfig (`.jcfg`). This writes the subset we need: groups, arrays of
 * scalars and scalar settings, with strings always quoted and escaped so no value can break out of its line.
 */
export type JcfgScalar = string | number | boolean;
export type JcfgValue = JcfgScalar | readonly JcfgScalar[] | JcfgGroup;
export interface JcfgGroup {
  readonly [key: string]: JcfgValue | undefined;
}

const KEY = /^[A-Za-z*][-A-Za-z0-9_*]*$/;

function scalar(value: JcfgScalar): string {
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError(`jcfg: ${value} is not a whole number`);
    return String(value);
  }
  // libconfig's escapes: backslash, quote, and every character below a space (`[^ -\uffff]`).
  const escaped = value.replace(/[\\"]|[^ -\uffff]/g, (c) => {
    switch (c) {
      case '\\':
        return '\\\\';
      case '"':
        return '\\"';
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      case '\t':
        return '\\t';
      default:
        return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
    }
  });
  return `"${escaped}"`;
}

function isGroup(value: JcfgValue): value is JcfgGroup {
  return typeof value === 'object' && !Array.isArray(value);
}

function group(value: JcfgGroup, indent: string): string {
  const lines: string[] = [];
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue;
    if (!KEY.test(key)) throw new RangeError(`jcfg: "${key}" is not a valid setting name`);
    if (isGroup(item)) {
      lines.push(`${indent}${key}: {`, group(item, indent + '\t'), `${indent}}`);
    } else if (Array.isArray(item)) {
      lines.push(`${indent}${key} = [${(item as readonly JcfgScalar[]).map(scalar).join(', ')}]`);
    } else {
      lines.push(`${indent}${key} = ${scalar(item as JcfgScalar)}`);
    }
  }
  return lines.filter((line) => line !== '').join('\n');
}

/** Serialises top-level groups (`general: { … }`) into the text of a `.jcfg` file. */
export function toJcfg(root: Readonly<Record<string, JcfgGroup>>): string {
  return group(root, '') + '\n';
}
