/** An array-backed FIFO queue with O(1) amortised shift (undici's fixed-queue idea, simpler). */
export class Fifo<T> {
	#items: (T | undefined)[] = [];
	#head = 0;

	get length(): number {
		return this.#items.length - this.#head;
	}

	push(item: T): void {
		this.#items.push(item);
	}

	peek(): T | undefined {
		return this.#items[this.#head];
	}

	shift(): T | undefined {
		const item = this.#items[this.#head];
		if (item === undefined) return undefined;
		this.#items[this.#head++] = undefined;
		if (this.#head === this.#items.length) {
			this.#items.length = 0;
			this.#head = 0;
		} else if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
			this.#items = this.#items.slice(this.#head);
			this.#head = 0;
		}
		return item;
	}

	/** Removes and returns every item. */
	drain(): T[] {
		const out = this.#items.slice(this.#head) as T[];
		this.#items = [];
		this.#head = 0;
		return out;
	}
}
