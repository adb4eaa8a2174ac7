// The parts of gstreamer-superficial 1.7.4 (a native addon without types) that media/ uses, as its C++ sources
// behave: numbers are set on properties as G_TYPE_FLOAT (GLib transforms them to int/uint), strings become caps
// when the property is a caps property, and every blocking call runs on a libuv thread-pool thread.
declare module 'gstreamer-superficial' {
  /** A field of a GstStructure converted to JS: fractions, enums and flags arrive as their string forms. */
  export type StructureValue = string | number | boolean | null | undefined | StructureValue[] | Uint8Array;

  /** A bus message: `type` is the message type name ('error', 'eos', 'state-changed', ...) unless the message's
   * own structure has a `type` field (progress and stream-status messages do), which then overwrites it. */
  export interface BusMessage {
    readonly [field: string]: StructureValue;
    type: string;
    /** The structure's name, e.g. 'splitmuxsink-fragment-opened' for an element message; on an error message the
     * binding replaces it with the path of the element that posted it. */
    name?: string;
    /** Name of the element (or pipeline) that posted it. */
    _src_element_name: string;
  }

  /** Caps of a pulled sample, flattened: `name` is the media type. Empty when the pull returned no sample. */
  export interface SampleCaps {
    readonly [field: string]: StructureValue;
    name?: string;
  }

  /** An element found by name; its GObject properties are plain JS properties (get and set). */
  export interface Element {
    [property: string]: unknown;
  }

  export interface AppSink extends Element {
    /** Waits on a thread-pool thread for the next sample; `buffer` is null at EOS or while flushing/stopped. */
    pull(callback: (buffer: Buffer | null, caps: SampleCaps) => void): void;
  }

  export interface AppSrc extends Element {
    /** Copies the bytes into a new GstBuffer and pushes it. */
    push(buffer: Uint8Array): void;
  }

  export class Pipeline {
    /** Parses a launch description; throws on a syntax error or an unknown element. */
    constructor(launch: string);
    /** GstPipeline's auto-flush-bus (default true: the bus drops its messages when the pipeline reaches NULL). */
    'auto-flush-bus': boolean;
    play(): void;
    pause(): void;
    /** Sets the pipeline to NULL synchronously: flushing appsinks return null, the bus poll chain ends. */
    stop(): void;
    /** Seeks to `seconds` (truncated to an integer) with GstSeekFlags (1 flush, 4 key unit, 8 segment). */
    seek(seconds: number, flags: number): boolean;
    sendEOS(): void;
    /** Pushes an upstream GstForceKeyUnit event (all headers, `count`) from the sink pad of the named element.
     * The element must exist: the binding does not check. */
    forceKeyUnit(name: string, count: number): boolean;
    findChild(name: string): Element | undefined;
    /** Pops bus messages on a thread-pool thread, one callback each, for as long as the pipeline is not NULL. */
    pollBus(callback: (message: BusMessage) => void): void;
  }
}
