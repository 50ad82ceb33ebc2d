import {
	AbortedError,
	AcquireTimeoutError,
	QueueFullError,
} from "../errors.js";

interface Waiter {
	resolve: () => void;
	reject: (err: unknown) => void;
	done: boolean;
	cleanup: (() => void) | undefined;
}

/** A counting semaphore with FIFO waiters, a queue limit, an acquire timeout and abort. */
export class Semaphore {
	readonly #max: number;
	readonly #maxQueue: number;
	readonly #timeout: number;
	#active = 0;
	// A plain array with a moving head: O(1) amortised shift without a deque dependency.
	#queue: Waiter[] = [];
	#head = 0;
	#waiting = 0;

	constructor(max: number, maxQueue: number, acquireTimeout: number) {
		this.#max = max;
		this.#maxQueue = maxQueue;
		this.#timeout = acquireTimeout;
	}

	get active(): number {
		return this.#active;
	}

	get pending(): number {
		return this.#waiting;
	}

	/** Resolves when a slot is held; call `release()` exactly once afterwards. */
	acquire(signal?: AbortSignal): Promise<void> {
		if (signal?.aborted) return Promise.reject(new AbortedError(signal.reason));
		if (this.#active < this.#max && this.#waiting === 0) {
			this.#active++;
			return Promise.resolve();
		}
		if (this.#waiting >= this.#maxQueue)
			return Promise.reject(new QueueFullError(this.#maxQueue));
		return new Promise<void>((resolve, reject) => {
			const waiter: Waiter = {
				resolve,
				reject,
				done: false,
				cleanup: undefined,
			};
			let timer: NodeJS.Timeout | undefined;
			const onAbort = (): void => {
				this.#fail(waiter, new AbortedError(signal?.reason));
			};
			if (this.#timeout > 0) {
				timer = setTimeout(
					() => this.#fail(waiter, new AcquireTimeoutError(this.#timeout)),
					this.#timeout,
				);
				timer.unref();
			}
			signal?.addEventListener("abort", onAbort, { once: true });
			waiter.cleanup = () => {
				if (timer !== undefined) clearTimeout(timer);
				signal?.removeEventListener("abort", onAbort);
			};
			this.#queue.push(waiter);
			this.#waiting++;
		});
	}

	release(): void {
		while (this.#head < this.#queue.length) {
			const w = this.#queue[this.#head] as Waiter;
			this.#queue[this.#head] = undefined as unknown as Waiter;
			this.#head++;
			if (w.done) continue;
			w.done = true;
			this.#waiting--;
			w.cleanup?.();
			this.#compact();
			// The slot passes straight to the waiter: #active stays the same.
			w.resolve();
			return;
		}
		this.#compact();
		this.#active--;
	}

	#fail(waiter: Waiter, err: unknown): void {
		if (waiter.done) return;
		waiter.done = true;
		this.#waiting--;
		waiter.cleanup?.();
		waiter.reject(err);
	}

	#compact(): void {
		if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
			this.#queue = this.#queue.slice(this.#head);
			this.#head = 0;
		} else if (this.#head === this.#queue.length) {
			this.#queue.length = 0;
			this.#head = 0;
		}
	}
}
