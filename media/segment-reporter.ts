import { readFile } from 'node:fs/promises';
import type { BusMessage } from './gst/binding.js';
import type { SegmentMessage } from './protocol.js';
import { countKeyframes } from './ts-keyframes.js';

/** Structure names of splitmuxsink's element messages; the binding passes a structure's name as `name`. */
const OPENED = 'splitmuxsink-fragment-opened';
const CLOSED = 'splitmuxsink-fragment-closed';
const NS_PER_MS = 1e6;

export interface FragmentEvent {
  kind: 'opened' | 'closed';
  /** The file's absolute path, as splitmuxsink formatted it. */
  location: string;
  /** Pipeline running time of the fragment's first frame (opened) or of the frame after its last (closed), ns. */
  runningTimeNs: number;
}

/** The fragment event in a bus message from the splitmuxsink named `element`, or null for any other message. */
export function fragmentEvent(message: BusMessage, element: string): FragmentEvent | null {
  if (message.type !== 'element' || message._src_element_name !== element) return null;
  const name = message['name'];
  const kind = name === OPENED ? 'opened' : name === CLOSED ? 'closed' : null;
  const location = message['location'];
  // A guint64 arrives as its decimal string; Number keeps ns exact for 104 days of running time, ms far longer.
  const runningTime = message['running-time'];
  const runningTimeNs =
    typeof runningTime === 'string' || typeof runningTime === 'number' ? Number(runningTime) : NaN;
  if (kind === null || typeof location !== 'string' || !Number.isFinite(runningTimeNs)) return null;
  return { kind, location, runningTimeNs };
}

/** What a closed segment file holds. */
export async function inspectSegment(path: string): Promise<{ bytes: number; keyframes: number }> {
  const data = await readFile(path);
  return { bytes: data.length, keyframes: countKeyframes(data) };
}

/**
 * Turns splitmuxsink's fragment messages into one `segment` message per closed file, in order. Times are on the
 * session's timeline: the wall clock when the first fragment opened, less its running time, is the epoch of
 * running time 0; every later time is that plus a running time, so a clock step never reorders segments and
 * each segment starts exactly where the previous one ended. Keyframes are counted in the file itself: the
 * close message comes a GOP late (splitmuxsink decides once the next GOP is whole), so counting the stats
 * tap's keyframes between messages would count the next segment's too.
 */
export class SegmentReporter {
  private sequence = 0;
  /** Epoch ms at running time 0, set by the first fragment opened. */
  private origin: number | null = null;
  private open: { location: string; runningTimeNs: number } | null = null;
  private reports: Promise<void> = Promise.resolve();

  constructor(
    private readonly element: string,
    private readonly send: (message: SegmentMessage) => void,
    /** A closed file could not be read (gone already): reported, not fatal; the sequence keeps its gap. */
    private readonly onUnreadable: (path: string, error: unknown) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Handles a bus message; true when it was a fragment message of this reporter's splitmuxsink. */
  onMessage(message: BusMessage): boolean {
    const event = fragmentEvent(message, this.element);
    if (event === null) return false;
    if (event.kind === 'opened') {
      this.origin ??= this.now() - event.runningTimeNs / NS_PER_MS;
      this.open = { location: event.location, runningTimeNs: event.runningTimeNs };
      return true;
    }
    const open = this.open;
    // A close always follows its own open; anything else would be a file we know no start of.
    if (open === null || open.location !== event.location || this.origin === null) return true;
    this.open = null;
    const startedAt = Math.round(this.origin + open.runningTimeNs / NS_PER_MS);
    const endedAt = Math.round(this.origin + event.runningTimeNs / NS_PER_MS);
    const sequence = this.sequence++;
    const path = event.location;
    // Chained, so segments go out in sequence order even if one file takes longer to read.
    this.reports = this.reports.then(async () => {
      let contents: { bytes: number; keyframes: number };
      try {
        contents = await inspectSegment(path);
      } catch (error) {
        this.onUnreadable(path, error);
        return;
      }
      this.send({ type: 'segment', path, sequence, startedAt, durationMs: endedAt - startedAt, ...contents });
    });
    return true;
  }

  /** Resolves once every closed segment seen so far has been reported. */
  drained(): Promise<void> {
    return this.reports;
  }
}
