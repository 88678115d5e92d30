// CloudFormation's clock for a local run whose callback waits are shortened by --time-scale.
//
// After an IN_PROGRESS answer CloudFormation waits callbackDelaySeconds before it invokes the handler again.
// A run at --time-scale 0.05 sleeps only 5% of each wait; at 0 it does not sleep at all. If the emulator
// kept real time, a write it provisions for 5 s would then be polled hundreds of times instead of the
// handful a real run makes. This clock counts every wait in full (real time plus what the scale skipped),
// and the in-process emulator and the driver both read it: a scaled run sees the same answers, in the same
// number of invocations, as a real-time one, only sooner. The driver's operation budget (CloudFormation's
// handler timeout) is measured on it too.

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface ScaledClockOptions {
  /** Real milliseconds clock; default Date.now. */
  realNow?: () => number;
  /** Real wait; default setTimeout. */
  realSleep?: (ms: number) => Promise<void>;
}

export class ScaledClock {
  private skippedMs = 0;
  private readonly realNow: () => number;
  private readonly realSleep: (ms: number) => Promise<void>;

  /** `timeScale`: the share of each wait actually slept (1 real time, 0 none). */
  constructor(
    readonly timeScale: number,
    options: ScaledClockOptions = {},
  ) {
    if (!Number.isFinite(timeScale) || timeScale < 0) {
      throw new RangeError(`timeScale must be a non-negative number, got ${timeScale}`);
    }
    this.realNow = options.realNow ?? Date.now;
    this.realSleep = options.realSleep ?? realSleep;
  }

  /** Milliseconds on CloudFormation's clock: real time plus every wait the scale skipped. */
  readonly now = (): number => this.realNow() + this.skippedMs;

  /** Waits `ms` of CloudFormation's time: sleeps `ms × timeScale` for real, counts the rest as passed. */
  readonly sleep = async (ms: number): Promise<void> => {
    const sleptMs = ms * this.timeScale;
    await this.realSleep(sleptMs);
    this.skippedMs += ms - sleptMs;
  };
}
