import { InvalidOptionError } from "./errors.js";
import { Semaphore } from "./internal/semaphore.js";
import type { OperationOptions, SetOptions, Storage } from "./storage.js";

/** Options of {@link RateLimitedStorage}. */
export interface RateLimitedStorageOptions {
	/** Operations allowed to run at once against the wrapped storage (≥ 1). */
	readonly maxConcurrency: number;
	/** Callers allowed to wait for a slot; one more rejects with `ERR_CACHING_QUEUE_FULL`. @defaultValue Infinity */
	readonly maxQueue?: number | undefined;
	/** How long a caller may wait for a slot, ms; `0` = forever. @defaultValue 0 */
	readonly acquireTimeout?: number | undefined;
}

/** Frozen defaults of {@link RateLimitedStorageOptions}. */
export const DEFAULT_RATE_LIMITED_STORAGE_OPTIONS = Object.freeze({
	maxQueue: Number.POSITIVE_INFINITY,
	acquireTimeout: 0,
});

/** Snapshot of a {@link RateLimitedStorage}'s semaphore. */
export interface RateLimitedStorageStats {
	/** Operations running now. */
	readonly active: number;
	/** Callers waiting for a slot. */
	readonly pending: number;
}

/**
 * Limits how many operations run at once against a storage (godropbox
 * `caching/rate_limited_storage.go`: a counting semaphore, not a rate per second). Waiters are
 * served FIFO; each call may time out (`acquireTimeout`) or be aborted (`signal`). A multi
 * operation takes one slot, and — unlike the Go code — passes its keys through as keys.
 */
export class RateLimitedStorage<K, V> implements Storage<K, V> {
	readonly #inner: Storage<K, V>;
	readonly #sem: Semaphore;

	/** @throws {@link InvalidOptionError} (`ERR_CACHING_INVALID_OPTION`) for bad options. */
	constructor(storage: Storage<K, V>, options: RateLimitedStorageOptions) {
		const max = options?.maxConcurrency;
		if (!Number.isInteger(max) || max < 1)
			throw new InvalidOptionError(
				"maxConcurrency",
				`maxConcurrency must be an integer ≥ 1, got ${String(max)} (newRateLimitedStorage returns the storage itself for < 1)`,
			);
		const maxQueue =
			options.maxQueue ?? DEFAULT_RATE_LIMITED_STORAGE_OPTIONS.maxQueue;
		if (!(maxQueue >= 0))
			throw new InvalidOptionError(
				"maxQueue",
				`maxQueue must be ≥ 0, got ${String(maxQueue)}`,
			);
		const timeout =
			options.acquireTimeout ??
			DEFAULT_RATE_LIMITED_STORAGE_OPTIONS.acquireTimeout;
		if (!Number.isFinite(timeout) || timeout < 0)
			throw new InvalidOptionError(
				"acquireTimeout",
				`acquireTimeout must be a finite number of ms ≥ 0, got ${String(timeout)}`,
			);
		this.#inner = storage;
		this.#sem = new Semaphore(max, maxQueue, timeout);
	}

	/** Current semaphore state. */
	get stats(): RateLimitedStorageStats {
		return { active: this.#sem.active, pending: this.#sem.pending };
	}

	async #run<T>(
		signal: AbortSignal | undefined,
		fn: () => Promise<T>,
	): Promise<T> {
		await this.#sem.acquire(signal);
		try {
			return await fn();
		} finally {
			this.#sem.release();
		}
	}

	get(key: K, options?: OperationOptions): Promise<V | undefined> {
		return this.#run(options?.signal, () => this.#inner.get(key, options));
	}

	getMulti(
		keys: readonly K[],
		options?: OperationOptions,
	): Promise<(V | undefined)[]> {
		return this.#run(options?.signal, () =>
			this.#inner.getMulti(keys, options),
		);
	}

	set(item: V, options?: SetOptions): Promise<void> {
		return this.#run(options?.signal, () => this.#inner.set(item, options));
	}

	setMulti(items: readonly V[], options?: SetOptions): Promise<void> {
		return this.#run(options?.signal, () =>
			this.#inner.setMulti(items, options),
		);
	}

	delete(key: K, options?: OperationOptions): Promise<void> {
		return this.#run(options?.signal, () => this.#inner.delete(key, options));
	}

	deleteMulti(keys: readonly K[], options?: OperationOptions): Promise<void> {
		return this.#run(options?.signal, () =>
			this.#inner.deleteMulti(keys, options),
		);
	}

	flush(options?: OperationOptions): Promise<void> {
		return this.#run(options?.signal, () => this.#inner.flush(options));
	}
}

/**
 * godropbox's `NewRateLimitedStorage(storage, maxConcurrency)`: `maxConcurrency < 1` returns
 * the given storage itself (no wrapper), otherwise a {@link RateLimitedStorage}.
 */
export function newRateLimitedStorage<K, V>(
	storage: Storage<K, V>,
	maxConcurrency: number,
	options: Omit<RateLimitedStorageOptions, "maxConcurrency"> = {},
): Storage<K, V> {
	if (maxConcurrency < 1) return storage;
	return new RateLimitedStorage(storage, { ...options, maxConcurrency });
}
