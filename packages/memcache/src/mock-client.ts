import {
	ClientClosedError,
	InvalidArgumentError,
	InvalidKeyError,
	InvalidValueError,
} from "./errors.js";
import { withSignal } from "./internal/signal.js";
import {
	DEFAULT_MAX_VALUE_LENGTH,
	isUint32,
	isUint64,
	keyByteLength,
	NO_CREATE_EXPIRATION,
} from "./internal/validate.js";
import {
	newCountErrorResponse,
	newCountResponse,
	newGetErrorResponse,
	newGetResponse,
	newMutateErrorResponse,
	newMutateResponse,
	newResponse,
	newStatResponse,
	newVersionResponse,
} from "./responses.js";
import { ResponseStatus } from "./status.js";
import type {
	Client,
	CountResponse,
	GetResponse,
	Item,
	MutateResponse,
	RequestOptions,
	Response,
	StatResponse,
	VersionResponse,
} from "./types.js";

/** Options of {@link MockClient}. */
export interface MockClientOptions {
	/** Clock in milliseconds (for expiration). @defaultValue Date.now */
	readonly now?: (() => number) | undefined;
	/** Largest value accepted, bytes. @defaultValue 1048576 */
	readonly maxValueLength?: number | undefined;
}

interface Entry {
	value: Buffer;
	flags: number;
	cas: bigint;
	/** Absolute ms, 0 = never. */
	expiresAt: number;
	storedAt: number;
}

const THIRTY_DAYS = 2_592_000;
const U64 = 0xffffffffffffffffn;

/**
 * An in-memory {@link Client} with the semantics of a real memcached speaking the binary
 * protocol (godropbox: memcache/mock_client.go, minus its divergences): add on an existing key
 * is KeyExists, a counter is created holding `initValue`, decrement clamps at 0 and increment
 * wraps at 2^64, expiration (relative/absolute, flush delay) is enforced, replace/append/prepend
 * and stat work. Keys and values are validated like the real clients.
 */
export class MockClient implements Client {
	readonly #items = new Map<string, Entry>();
	readonly #now: () => number;
	readonly #maxValueLength: number;
	#cas = 0n;
	#flushAt = -1;
	#closed = false;

	constructor(options: MockClientOptions = {}) {
		this.#now = options.now ?? Date.now;
		this.#maxValueLength = options.maxValueLength ?? DEFAULT_MAX_VALUE_LENGTH;
	}

	/** Number of live items (for tests). */
	get size(): number {
		let n = 0;
		for (const k of this.#items.keys()) if (this.#live(k) !== undefined) n++;
		return n;
	}

	#live(key: string): Entry | undefined {
		const e = this.#items.get(key);
		if (e === undefined) return undefined;
		const now = this.#now();
		if (
			(e.expiresAt !== 0 && now >= e.expiresAt) ||
			(this.#flushAt >= 0 &&
				now >= this.#flushAt &&
				e.storedAt <= this.#flushAt)
		) {
			this.#items.delete(key);
			return undefined;
		}
		return e;
	}

	#expiresAt(expiration: number): number {
		if (expiration === 0) return 0;
		if (expiration <= THIRTY_DAYS) return this.#now() + expiration * 1000;
		return expiration * 1000;
	}

	#store(
		key: string,
		value: Buffer,
		flags: number,
		expiration: number,
	): bigint {
		this.#cas++;
		this.#items.set(key, {
			value,
			flags,
			cas: this.#cas,
			expiresAt: this.#expiresAt(expiration),
			storedAt: this.#now(),
		});
		return this.#cas;
	}

	#open(): void {
		if (this.#closed) throw new ClientClosedError();
	}

	#run<T>(fn: () => T, options: RequestOptions | undefined): Promise<T> {
		try {
			this.#open();
			return withSignal(Promise.resolve(fn()), options?.signal);
		} catch (err) {
			return Promise.reject(err);
		}
	}

	#getOne(key: string): GetResponse {
		if (typeof key !== "string")
			throw new InvalidArgumentError("key must be a string");
		if (keyByteLength(key) < 0)
			return newGetErrorResponse(key, new InvalidKeyError(key));
		const e = this.#live(key);
		if (e === undefined) return newGetResponse(key, ResponseStatus.KeyNotFound);
		return newGetResponse(key, 0, e.flags, Buffer.from(e.value), e.cas);
	}

	get(key: string, options?: RequestOptions): Promise<GetResponse> {
		return this.#run(() => this.#getOne(key), options);
	}
	getMulti(
		keys: readonly string[],
		options?: RequestOptions,
	): Promise<Map<string, GetResponse>> {
		return this.#run(() => {
			const out = new Map<string, GetResponse>();
			for (const k of keys) if (!out.has(k)) out.set(k, this.#getOne(k));
			return out;
		}, options);
	}
	getSentinels(
		keys: readonly string[],
		options?: RequestOptions,
	): Promise<Map<string, GetResponse>> {
		return this.getMulti(keys, options);
	}

	#write(kind: "set" | "add" | "replace" | "cas", item: Item): MutateResponse {
		if (item === null || item === undefined || typeof item !== "object")
			return newMutateErrorResponse(
				"",
				new InvalidValueError("", "item is nil"),
			);
		const { key, value } = item;
		const flags = item.flags ?? 0;
		const expiration = item.expiration ?? 0;
		const cas = item.dataVersionId ?? 0n;
		if (typeof key !== "string")
			throw new InvalidArgumentError("item.key must be a string");
		if (!isUint32(flags) || !isUint32(expiration) || !isUint64(cas))
			throw new InvalidArgumentError(
				"flags/expiration must be uint32 and dataVersionId a uint64 bigint",
			);
		if (keyByteLength(key) < 0)
			return newMutateErrorResponse(key, new InvalidKeyError(key));
		if (!(value instanceof Uint8Array))
			return newMutateErrorResponse(
				key,
				new InvalidValueError(key, "Invalid value: cannot be nil"),
			);
		if (value.length > this.#maxValueLength)
			return newMutateErrorResponse(
				key,
				new InvalidValueError(
					key,
					`Invalid value: length ${value.length} longer than max length ${this.#maxValueLength}`,
				),
			);
		const e = this.#live(key);
		const op = kind === "cas" ? (cas === 0n ? "add" : "set") : kind;
		if (op === "add" && e !== undefined)
			return newMutateResponse(key, ResponseStatus.KeyExists);
		if ((op === "replace" || cas !== 0n) && e === undefined)
			return newMutateResponse(key, ResponseStatus.KeyNotFound);
		if (cas !== 0n && e !== undefined && e.cas !== cas)
			return newMutateResponse(key, ResponseStatus.KeyExists);
		return newMutateResponse(
			key,
			0,
			this.#store(key, Buffer.from(value), flags, expiration),
		);
	}

	set(item: Item, options?: RequestOptions): Promise<MutateResponse> {
		return this.#run(() => this.#write("set", item), options);
	}
	add(item: Item, options?: RequestOptions): Promise<MutateResponse> {
		return this.#run(() => this.#write("add", item), options);
	}
	replace(item: Item, options?: RequestOptions): Promise<MutateResponse> {
		return this.#run(() => this.#write("replace", item), options);
	}
	#many(
		kind: "set" | "add" | "cas",
		items: readonly Item[],
		options: RequestOptions | undefined,
	) {
		return this.#run(() => items.map((it) => this.#write(kind, it)), options);
	}
	setMulti(
		items: readonly Item[],
		options?: RequestOptions,
	): Promise<MutateResponse[]> {
		return this.#many("set", items, options);
	}
	setSentinels(
		items: readonly Item[],
		options?: RequestOptions,
	): Promise<MutateResponse[]> {
		return this.#many("set", items, options);
	}
	casMulti(
		items: readonly Item[],
		options?: RequestOptions,
	): Promise<MutateResponse[]> {
		return this.#many("cas", items, options);
	}
	casSentinels(
		items: readonly Item[],
		options?: RequestOptions,
	): Promise<MutateResponse[]> {
		return this.#many("cas", items, options);
	}
	addMulti(
		items: readonly Item[],
		options?: RequestOptions,
	): Promise<MutateResponse[]> {
		return this.#many("add", items, options);
	}

	#delete(key: string): MutateResponse {
		if (typeof key !== "string")
			throw new InvalidArgumentError("key must be a string");
		if (keyByteLength(key) < 0)
			return newMutateErrorResponse(key, new InvalidKeyError(key));
		if (this.#live(key) === undefined)
			return newMutateResponse(key, ResponseStatus.KeyNotFound);
		this.#items.delete(key);
		return newMutateResponse(key, 0);
	}
	delete(key: string, options?: RequestOptions): Promise<MutateResponse> {
		return this.#run(() => this.#delete(key), options);
	}
	deleteMulti(
		keys: readonly string[],
		options?: RequestOptions,
	): Promise<MutateResponse[]> {
		return this.#run(() => keys.map((k) => this.#delete(k)), options);
	}

	#concat(key: string, value: Uint8Array, prepend: boolean): MutateResponse {
		if (typeof key !== "string")
			throw new InvalidArgumentError("key must be a string");
		if (keyByteLength(key) < 0)
			return newMutateErrorResponse(key, new InvalidKeyError(key));
		if (!(value instanceof Uint8Array))
			return newMutateErrorResponse(
				key,
				new InvalidValueError(key, "Invalid value: cannot be nil"),
			);
		const e = this.#live(key);
		if (e === undefined)
			return newMutateResponse(key, ResponseStatus.ItemNotStored);
		const v = prepend
			? Buffer.concat([value, e.value])
			: Buffer.concat([e.value, value]);
		this.#cas++;
		e.value = v;
		e.cas = this.#cas;
		return newMutateResponse(key, 0, e.cas);
	}
	append(
		key: string,
		value: Uint8Array,
		options?: RequestOptions,
	): Promise<MutateResponse> {
		return this.#run(() => this.#concat(key, value, false), options);
	}
	prepend(
		key: string,
		value: Uint8Array,
		options?: RequestOptions,
	): Promise<MutateResponse> {
		return this.#run(() => this.#concat(key, value, true), options);
	}

	#counter(
		incr: boolean,
		key: string,
		delta: bigint,
		initValue: bigint,
		expiration: number,
	): CountResponse {
		if (
			typeof key !== "string" ||
			!isUint64(delta) ||
			!isUint64(initValue) ||
			!isUint32(expiration)
		)
			throw new InvalidArgumentError(
				"counter: key string, delta/initValue uint64 bigints, expiration uint32",
			);
		if (keyByteLength(key) < 0)
			return newCountErrorResponse(key, new InvalidKeyError(key));
		const e = this.#live(key);
		if (e === undefined) {
			if (expiration === NO_CREATE_EXPIRATION)
				return newCountResponse(key, ResponseStatus.KeyNotFound);
			this.#store(key, Buffer.from(initValue.toString()), 0, expiration);
			return newCountResponse(key, 0, initValue);
		}
		// memcached's safe_strtoull: optional leading space, digits, then a space or the end.
		const text = e.value
			.toString("latin1")
			.match(/^\s*(\d{1,20})(?:\s|$)/)?.[1];
		if (text === undefined || BigInt(text) > U64)
			return newCountResponse(key, ResponseStatus.IncrDecrOnNonNumericValue);
		const cur = BigInt(text);
		const next = incr ? (cur + delta) & U64 : cur > delta ? cur - delta : 0n;
		let s = next.toString();
		// memcached rewrites in place and pads with spaces when the number got shorter.
		if (s.length < e.value.length) s = s.padEnd(e.value.length, " ");
		this.#cas++;
		e.value = Buffer.from(s, "latin1");
		e.cas = this.#cas;
		return newCountResponse(key, 0, next);
	}
	increment(
		key: string,
		delta: bigint,
		initValue: bigint,
		expiration: number,
		options?: RequestOptions,
	): Promise<CountResponse> {
		return this.#run(
			() => this.#counter(true, key, delta, initValue, expiration),
			options,
		);
	}
	decrement(
		key: string,
		delta: bigint,
		initValue: bigint,
		expiration: number,
		options?: RequestOptions,
	): Promise<CountResponse> {
		return this.#run(
			() => this.#counter(false, key, delta, initValue, expiration),
			options,
		);
	}

	flush(expiration: number, options?: RequestOptions): Promise<Response> {
		return this.#run(() => {
			if (!isUint32(expiration))
				throw new InvalidArgumentError("flush: expiration must be a uint32");
			if (expiration === 0) {
				this.#items.clear();
				this.#flushAt = -1;
			} else this.#flushAt = this.#expiresAt(expiration);
			return newResponse(0);
		}, options);
	}
	stat(_statsKey: string, options?: RequestOptions): Promise<StatResponse> {
		return this.#run(
			() =>
				newStatResponse(
					0,
					new Map([
						[
							0,
							new Map([
								["curr_items", String(this.size)],
								["version", "mock"],
							]),
						],
					]),
				),
			options,
		);
	}
	version(options?: RequestOptions): Promise<VersionResponse> {
		return this.#run(
			() => newVersionResponse(0, new Map([[0, "mock"]])),
			options,
		);
	}
	verbosity(_level: number, options?: RequestOptions): Promise<Response> {
		return this.#run(() => newResponse(0), options);
	}
	close(): Promise<void> {
		this.#closed = true;
		return Promise.resolve();
	}
	destroy(): Promise<void> {
		return this.close();
	}
	[Symbol.asyncDispose](): Promise<void> {
		return this.close();
	}
}
