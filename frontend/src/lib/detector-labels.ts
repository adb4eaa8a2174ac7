// The label list of an uploaded detector as the form shows it: how many labels the textarea holds (the server
// reads one per line, trimmed, blank lines dropped), and a model's shapes in the words the server's errors use.

/** The labels as the server will read them. */
export function labelLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** What the form says before the upload is sent, or null when the labels look fine. */
export function labelProblem(text: string): string | null {
  const labels = labelLines(text);
  if (labels.length === 0) return 'List the labels, one per line, in the order of the model’s classes.';
  const seen = new Set<string>();
  for (const label of labels) {
    if (label.length > 64) return `“${label.slice(0, 20)}…” is longer than 64 characters.`;
    if (seen.has(label)) return `“${label}” is listed twice.`;
    seen.add(label);
  }
  return null;
}

/** [1, 84, 8400] */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** “YOLO · 2 labels”, “SSD · 90 labels”, “CenterNet · 80 labels”. */
export function describeDetector(kind: 'centernet' | 'yolo' | 'ssd', labelCount: number): string {
  const name = kind === 'centernet' ? 'CenterNet' : kind.toUpperCase();
  return `${name} · ${labelCount} ${labelCount === 1 ? 'label' : 'labels'}`;
}
