// Saving something the page holds (a fetched download, generated text) as a file. Downloads that need our
// CSRF and origin rules are fetched by the API client first, so a plain <a href> to the API would not do.

/** Hands `blob` to the browser's download manager as `filename`. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.rel = 'noopener';
  link.hidden = true;
  document.body.append(link);
  try {
    link.click();
  } finally {
    link.remove();
    // Revoked a minute later: revoking at once can cancel a download the browser has not started reading.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }
}

/** Saves `text` as a UTF-8 text file. */
export function saveText(text: string, filename: string): void {
  saveBlob(new Blob([text], { type: 'text/plain;charset=utf-8' }), filename);
}
