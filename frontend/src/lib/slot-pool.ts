// A fixed number of slots shared by owners. Live tiles use it to cap how many MJPEG fallback streams a page
// holds open: over plain HTTP/1.1 a browser allows 6 connections per host, and each MJPEG <img> keeps one
// for good, so too many would stall the page's API calls. Tiles without a slot poll snapshots instead.

export class SlotPool<Owner> {
  // A plain field, not #private, so the pool can be wrapped in reactive() and read in computeds.
  private readonly holders = new Set<Owner>();

  constructor(readonly size: number) {}

  /** Slots in use. */
  get used(): number {
    return this.holders.size;
  }

  /** Takes a slot for `owner` if one is free (or it already has one); returns whether it holds one. */
  acquire(owner: Owner): boolean {
    if (this.holders.has(owner)) return true;
    if (this.holders.size >= this.size) return false;
    this.holders.add(owner);
    return true;
  }

  holds(owner: Owner): boolean {
    return this.holders.has(owner);
  }

  release(owner: Owner): void {
    this.holders.delete(owner);
  }
}
