/**
 * A FIFO queue on an array with a moving head (undici's FixedQueue idea, smaller). Used instead of
 * a Set for waiters: finding a Set's first entry walks past every deleted slot in front of it, so
 * a Set used as a queue turns each shift into a scan under load.
 */
export class Fifo<T> {
	#items: (T | undefined)[] = [];
	#head = 0;

	get isEmpty(): boolean {
		return this.#head >= this.#items.length;
	}

	push(item: T): void {
		this.#items.push(item);
	}

	peek(): T | undefined {
		return this.#items[this.#head];
	}

	shift(): T | undefined {
		if (this.#head >= this.#items.length) return undefined;
		const item = this.#items[this.#head];
		this.#items[this.#head++] = undefined;
		if (this.#head === this.#items.length) {
			this.#items = [];
			this.#head = 0;
		} else if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) {
			this.#items = this.#items.slice(this.#head);
			this.#head = 0;
		}
		return item;
	}
}
