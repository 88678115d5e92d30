/** Time source of the emulator, in milliseconds; tests inject one to move time exactly. */
export interface Clock {
  now(): number;
}

export const SYSTEM_CLOCK: Clock = { now: () => Date.now() };

/**
 * A token bucket: holds up to `ratePerSecond` tokens (one second of burst) and refills continuously at
 * `ratePerSecond`. A non-finite or non-positive rate disables limiting.
 */
export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly clock: Clock,
    private ratePerSecond: number,
  ) {
    this.tokens = ratePerSecond;
    this.refilledAt = clock.now();
  }

  get limited(): boolean {
    return Number.isFinite(this.ratePerSecond) && this.ratePerSecond > 0;
  }

  get rate(): number {
    return this.ratePerSecond;
  }

  setRate(ratePerSecond: number): void {
    this.ratePerSecond = ratePerSecond;
    this.reset();
  }

  reset(): void {
    this.tokens = this.ratePerSecond;
    this.refilledAt = this.clock.now();
  }

  /** Takes one token if there is one. */
  tryTake(): boolean {
    if (!this.limited) return true;
    const now = this.clock.now();
    const elapsedMs = Math.max(0, now - this.refilledAt);
    this.tokens = Math.min(this.ratePerSecond, this.tokens + (elapsedMs * this.ratePerSecond) / 1000);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
