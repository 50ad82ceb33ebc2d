import { ReadHoldingStorage } from "./read-holding-storage.js";

/**
 * Wraps a storage: counts reads and, while a gate is set, holds each read's *answer* (the
 * read itself has already run) until the gate opens — a deterministic "fill in flight".
 */
export class GatedStorage<K, V> extends ReadHoldingStorage<K, V> {
	#gate: Promise<void> | undefined;
	#open: (() => void) | undefined;
	#entered: (() => void) | undefined;
	entered: Promise<void> = Promise.resolve();

	/** Holds read answers from now on; `entered` resolves when a held read has run. */
	close(): void {
		this.#gate = new Promise((r) => {
			this.#open = r;
		});
		this.entered = new Promise((r) => {
			this.#entered = r;
		});
	}

	open(): void {
		this.#open?.();
		this.#gate = undefined;
	}

	protected override async hold(): Promise<void> {
		this.#entered?.();
		if (this.#gate !== undefined) await this.#gate;
	}
}
