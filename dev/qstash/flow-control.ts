/** A message's `Upstash-Flow-Control-Key` and the limits of its `Upstash-Flow-Control-Value`. */
export interface FlowControl {
  key: string;
  /** At most this many deliveries with the key in flight at once. */
  parallelism?: number;
  /** At most this many deliveries with the key started per period. */
  rate?: number;
  periodMs: number;
}

/** QStash's rate period when none is given. */
export const DEFAULT_PERIOD_MS = 1_000;

interface Waiting {
  control: FlowControl;
  /** Starts the delivery; false if the message is gone meanwhile (cancelled), so it takes no slot. */
  start: () => boolean;
}

interface Gate {
  inFlight: FlowControl[];
  waiting: Waiting[];
  windowStart: number;
  startedInWindow: number;
  timer?: NodeJS.Timeout;
}

/**
 * QStash's flow control: deliveries that share a key wait in line while the key's parallelism or
 * rate is used up. As QStash documents, when messages of one key carry different limits the
 * highest of those pending applies. A retry waiting out its back-off is not in line and holds no slot.
 */
export class FlowGates {
  private readonly gates = new Map<string, Gate>();

  /** Starts the delivery now if its key allows, else once it does; without flow control, at once. */
  admit(control: FlowControl | undefined, start: () => boolean): void {
    if (!control) {
      start();
      return;
    }
    const gate = this.gate(control.key);
    gate.waiting.push({ control, start });
    this.pump(control.key, gate);
  }

  /** A delivery with this control has ended: its slot goes to the next in line. */
  release(control: FlowControl | undefined): void {
    const gate = control && this.gates.get(control.key);
    if (!gate) return;
    gate.inFlight.splice(gate.inFlight.indexOf(control), 1);
    this.pump(control.key, gate);
  }

  close(): void {
    for (const gate of this.gates.values()) clearTimeout(gate.timer);
    this.gates.clear();
  }

  private gate(key: string): Gate {
    // Gates are kept (they are small, one per key) so that a rate window outlives a quiet moment.
    let gate = this.gates.get(key);
    if (!gate) {
      gate = { inFlight: [], waiting: [], windowStart: 0, startedInWindow: 0 };
      this.gates.set(key, gate);
    }
    return gate;
  }

  private pump(key: string, gate: Gate): void {
    clearTimeout(gate.timer);
    gate.timer = undefined;
    for (let next = gate.waiting[0]; next; next = gate.waiting[0]) {
      const { parallelism, rate, periodMs } = effectiveLimits([...gate.inFlight, ...gate.waiting.map((waiting) => waiting.control)]);
      if (parallelism !== undefined && gate.inFlight.length >= parallelism) return;
      const now = Date.now();
      if (now >= gate.windowStart + periodMs) {
        gate.windowStart = now;
        gate.startedInWindow = 0;
      }
      if (rate !== undefined && gate.startedInWindow >= rate) {
        gate.timer = setTimeout(() => this.pump(key, gate), gate.windowStart + periodMs - now);
        return;
      }
      gate.waiting.shift();
      if (next.start()) {
        gate.inFlight.push(next.control);
        gate.startedInWindow++;
      }
    }
  }
}

/** The most generous of the limits pending for a key: QStash lets the highest one apply. */
function effectiveLimits(pending: FlowControl[]): Omit<FlowControl, "key"> {
  const parallelisms = pending.flatMap((control) => (control.parallelism === undefined ? [] : [control.parallelism]));
  const fastest = pending
    .filter((control) => control.rate !== undefined)
    .reduce<FlowControl | undefined>((best, control) => (!best || rateOf(control) > rateOf(best) ? control : best), undefined);
  return {
    parallelism: parallelisms.length > 0 ? Math.max(...parallelisms) : undefined,
    rate: fastest?.rate,
    periodMs: fastest?.periodMs ?? DEFAULT_PERIOD_MS,
  };
}

const rateOf = (control: FlowControl) => (control.rate ?? 0) / control.periodMs;
