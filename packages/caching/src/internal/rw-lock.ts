/**
 * An async readers-writer lock: readers share, writers are exclusive, FIFO between the two
 * kinds so writers do not starve (godropbox GenericStorage uses a sync.RWMutex).
 */
export class RwLock {
	#readers = 0;
	#writer = false;
	#queue: { write: boolean; resolve: () => void }[] = [];

	async read<T>(fn: () => T | Promise<T>): Promise<T> {
		if (this.#writer || this.#queue.length > 0)
			await new Promise<void>((resolve) =>
				this.#queue.push({ write: false, resolve }),
			);
		else this.#readers++;
		try {
			return await fn();
		} finally {
			this.#readers--;
			this.#drain();
		}
	}

	async write<T>(fn: () => T | Promise<T>): Promise<T> {
		if (this.#writer || this.#readers > 0 || this.#queue.length > 0)
			await new Promise<void>((resolve) =>
				this.#queue.push({ write: true, resolve }),
			);
		else this.#writer = true;
		try {
			return await fn();
		} finally {
			this.#writer = false;
			this.#drain();
		}
	}

	#drain(): void {
		if (this.#writer) return;
		while (this.#queue.length > 0) {
			const next = this.#queue[0] as { write: boolean; resolve: () => void };
			if (next.write) {
				if (this.#readers > 0) return;
				this.#queue.shift();
				this.#writer = true;
				next.resolve();
				return;
			}
			this.#queue.shift();
			this.#readers++;
			next.resolve();
		}
	}
}
