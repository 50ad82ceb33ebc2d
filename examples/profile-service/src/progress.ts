import { int } from "./format.js";
import type { LoadProgress } from "./load-run.js";

/** A one-line progress bar redrawn in place on a TTY; silent when output is not a terminal. */
export class ProgressBar {
	#stream: NodeJS.WriteStream;
	#width: number;
	#drawn = false;
	#extra: () => string;

	/**
	 * @param stream where to draw (only when it is a TTY)
	 * @param extra more text after the counters, e.g. the live hit rate
	 */
	constructor(stream: NodeJS.WriteStream, extra: () => string = () => "") {
		this.#stream = stream;
		this.#width = 20;
		this.#extra = extra;
	}

	get enabled(): boolean {
		return this.#stream.isTTY === true;
	}

	/** Redraws the bar for `p`. */
	update(p: LoadProgress): void {
		if (!this.enabled) return;
		const frac = Math.min(1, p.elapsedMs / p.durationMs);
		const full = Math.round(frac * this.#width);
		const bar = "█".repeat(full) + "░".repeat(this.#width - full);
		const secs = (p.elapsedMs / 1000).toFixed(1);
		const rps = p.elapsedMs > 0 ? (p.requests * 1000) / p.elapsedMs : 0;
		const extra = this.#extra();
		const text = `  ${bar} ${(frac * 100).toFixed(0).padStart(3)}%  ${secs}s  ${int(p.requests)} req  ${int(rps)}/s${p.failures > 0 ? `  ${int(p.failures)} failed` : ""}${extra ? `  ${extra}` : ""}`;
		const columns = this.#stream.columns ?? 120;
		this.#stream.write(`\r\x1b[2K${text.slice(0, columns - 1)}`);
		this.#drawn = true;
	}

	/** Clears the bar's line. */
	done(): void {
		if (this.#drawn) this.#stream.write("\r\x1b[2K");
		this.#drawn = false;
	}
}
