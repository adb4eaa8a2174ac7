import { createRequire } from 'node:module';
import type * as Superficial from 'gstreamer-superficial';

// A native addon cannot be imported as an ES module; require() loads it (and runs gst_init once).
const load = createRequire(import.meta.url);

export const gst = load('gstreamer-superficial') as typeof Superficial;
export type { AppSink, AppSrc, BusMessage, Element, Pipeline, SampleCaps } from 'gstreamer-superficial';
