/** Values at least this long are queued as their own chunk instead of being copied. */
const EXTERNAL_THRESHOLD = 16 * 1024;
const SLAB = 64 * 1024;

/**
 * An append-only output buffer for request encoders. Encoders write into one large slab; a
 * flushed region is never written again, so the slab can be handed to `socket.write` without a
 * copy and the rest of it reused for the next requests.
 */
export class Writer {
	#buf: Buffer = Buffer.allocUnsafe(SLAB);
	#start = 0;
	#pos = 0;
	#chunks: Buffer[] = [];
	#chunkBytes = 0;

	/** Bytes written and not yet taken. */
	get length(): number {
		return this.#chunkBytes + this.#pos - this.#start;
	}

	/** Makes room for `n` more bytes in the current slab. */
	ensure(n: number): void {
		if (this.#pos + n <= this.#buf.length) return;
		this.#seal();
		this.#buf = Buffer.allocUnsafe(Math.max(SLAB, n));
		this.#start = 0;
		this.#pos = 0;
	}

	#seal(): void {
		if (this.#pos > this.#start) {
			this.#chunks.push(this.#buf.subarray(this.#start, this.#pos));
			this.#chunkBytes += this.#pos - this.#start;
			this.#start = this.#pos;
		}
	}

	/** Writes one byte (call {@link ensure} first). */
	u8(v: number): void {
		this.#buf[this.#pos++] = v;
	}

	/** Writes a big-endian uint16 (call {@link ensure} first). */
	u16(v: number): void {
		this.#buf.writeUInt16BE(v, this.#pos);
		this.#pos += 2;
	}

	/** Writes a big-endian uint32 (call {@link ensure} first). */
	u32(v: number): void {
		this.#buf.writeUInt32BE(v >>> 0, this.#pos);
		this.#pos += 4;
	}

	/** Writes a big-endian uint64 (call {@link ensure} first). */
	u64(v: bigint): void {
		this.#buf.writeBigUInt64BE(v, this.#pos);
		this.#pos += 8;
	}

	/** Writes a string's bytes; `byteLength` must be its exact UTF-8 length (ensured by caller). */
	str(s: string, byteLength: number): void {
		if (byteLength === s.length && byteLength <= 32) {
			const buf = this.#buf;
			let pos = this.#pos;
			for (let i = 0; i < byteLength; i++) buf[pos++] = s.charCodeAt(i);
			this.#pos = pos;
			return;
		}
		this.#buf.write(
			s,
			this.#pos,
			byteLength,
			byteLength === s.length ? "latin1" : "utf8",
		);
		this.#pos += byteLength;
	}

	/** Writes an ASCII string, ensuring room. */
	ascii(s: string): void {
		const n = s.length;
		this.ensure(n);
		if (n > 32) {
			this.#buf.write(s, this.#pos, n, "latin1");
			this.#pos += n;
			return;
		}
		// Short strings (keys, flags): a byte loop is cheaper than Buffer#write's encoding setup.
		const buf = this.#buf;
		let pos = this.#pos;
		for (let i = 0; i < n; i++) buf[pos++] = s.charCodeAt(i);
		this.#pos = pos;
	}

	/** Writes a non-negative safe integer in decimal, ensuring room. */
	decimal(v: number): void {
		this.ensure(16);
		const buf = this.#buf;
		if (v < 10) {
			buf[this.#pos++] = 0x30 + v;
			return;
		}
		let digits = 1;
		for (let t = v; t >= 10; t = Math.floor(t / 10)) digits++;
		let pos = this.#pos + digits;
		this.#pos = pos;
		for (let t = v; pos > this.#pos - digits; t = Math.floor(t / 10))
			buf[--pos] = 0x30 + (t % 10);
	}

	/** Writes raw bytes; long values are referenced, not copied. */
	bytes(v: Uint8Array): void {
		const n = v.length;
		if (n >= EXTERNAL_THRESHOLD) {
			this.#seal();
			this.#chunks.push(
				Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, n),
			);
			this.#chunkBytes += n;
			return;
		}
		this.ensure(n);
		this.#buf.set(v, this.#pos);
		this.#pos += n;
	}

	/** Takes everything written so far, as one or more buffers to write in order. */
	take(): Buffer[] {
		this.#seal();
		const chunks = this.#chunks;
		this.#chunks = [];
		this.#chunkBytes = 0;
		// A tiny tail is not worth keeping a 64 KiB slab alive for the next batch.
		if (this.#buf.length - this.#pos < 512) {
			this.#buf = Buffer.allocUnsafe(SLAB);
			this.#start = 0;
			this.#pos = 0;
		}
		return chunks;
	}
}
