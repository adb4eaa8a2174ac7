export interface Ticker {
  stop(): void;
}

/**
 * Calls `tick(index)` `fps` times a second on a schedule that does not drift (each frame is due at
 * start + index / fps). When the process falls behind, late frames are skipped rather than sent in a burst:
 * a live camera never catches up on missed frames either.
 */
export function startTicker(
  fps: number,
  tick: (index: number) => void,
  now = () => performance.now(),
): Ticker {
  const period = 1000 / fps;
  const start = now();
  let index = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const isStopped = (): boolean => stopped;
  const run = (): void => {
    if (isStopped()) return;
    const behind = Math.floor((now() - start) / period);
    if (behind > index) index = behind;
    tick(index);
    index += 1;
    // tick() may have stopped the ticker.
    if (isStopped()) return;
    timer = setTimeout(run, Math.max(0, start + index * period - now()));
  };
  timer = setTimeout(run, 0);
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
