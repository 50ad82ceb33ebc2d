import { ShardState, type ShardStateEntry } from "@godropbox-ts/memcache";
import { InvalidShardMapError } from "./errors.js";

/** The name of a {@link ShardState} as written in a stored shard map. */
export type ShardStateName = "Active" | "WriteOnly" | "Down" | "WarmUp";

/** One shard of a stored map: shard id = its index in {@link ShardMap.shards}. */
export interface ShardMapEntry {
	/** `"host:port"` of the memcached server. */
	readonly address: string;
	readonly state: ShardStateName;
}

/**
 * The value stored at the shard-map key, as JSON:
 *
 * ```json
 * { "version": 7, "shards": [ { "address": "10.0.0.1:11211", "state": "Active" }, … ] }
 * ```
 *
 * - `version`: integer ≥ 1, incremented by every write (the CLI does it); a client ignores a
 *   map whose version is not greater than the one it applied.
 * - `shards`: 1…{@link MAX_SHARDS} entries, shard id = index, addresses unique.
 * - No other fields, anywhere.
 */
export interface ShardMap {
	readonly version: number;
	readonly shards: readonly ShardMapEntry[];
}

/** Upper bound on the number of shards in one map. */
export const MAX_SHARDS = 4096;
/** Upper bound on the size of a stored map, in bytes. */
export const MAX_SHARD_MAP_BYTES = 1024 * 1024;

const NAME_TO_STATE: Readonly<Record<ShardStateName, ShardState>> = {
	Active: ShardState.Active,
	WriteOnly: ShardState.WriteOnly,
	Down: ShardState.Down,
	WarmUp: ShardState.WarmUp,
};
/** The valid state names, in the order godropbox lists them. */
export const SHARD_STATE_NAMES: readonly ShardStateName[] = Object.freeze([
	"Active",
	"WriteOnly",
	"Down",
	"WarmUp",
]);

const ADDRESS = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/;

/** Whether `name` is a {@link ShardStateName}. */
export function isShardStateName(name: unknown): name is ShardStateName {
	return typeof name === "string" && Object.hasOwn(NAME_TO_STATE, name);
}

/** The {@link ShardState} value of a state name. */
export function shardStateFromName(name: ShardStateName): ShardState {
	return NAME_TO_STATE[name];
}

/** The name of a {@link ShardState} value. */
export function shardStateName(state: ShardState): ShardStateName {
	const name = SHARD_STATE_NAMES.find((n) => NAME_TO_STATE[n] === state);
	if (name === undefined)
		throw new RangeError(`not a ShardState: ${String(state)}`);
	return name;
}

/**
 * Checks a decoded JSON value against the shard-map format and returns a frozen copy.
 *
 * @param key - the etcd key, for the error message
 * @param revision - the etcd mod_revision, for the error message
 * @throws {@link InvalidShardMapError} (`ERR_MEMCACHE_ETCD_INVALID_SHARD_MAP`) naming the first problem
 */
export function validateShardMap(
	value: unknown,
	key = "(shard map)",
	revision?: number | undefined,
): ShardMap {
	const fail = (reason: string): never => {
		throw new InvalidShardMapError(key, reason, revision);
	};
	if (value === null || typeof value !== "object" || Array.isArray(value))
		fail("expected an object { version, shards }");
	const obj = value as Record<string, unknown>;
	for (const k of Object.keys(obj))
		if (k !== "version" && k !== "shards")
			fail(`unknown field ${JSON.stringify(k)} (only version and shards)`);
	const version = obj.version;
	if (
		typeof version !== "number" ||
		!Number.isSafeInteger(version) ||
		version < 1
	)
		fail("version: expected an integer >= 1");
	const shards = obj.shards;
	if (!Array.isArray(shards)) fail("shards: expected an array");
	const list = shards as unknown[];
	if (list.length === 0) fail("shards: expected at least one shard");
	if (list.length > MAX_SHARDS)
		fail(`shards: ${list.length} shards, the limit is ${MAX_SHARDS}`);
	const seen = new Set<string>();
	const out: ShardMapEntry[] = [];
	list.forEach((entry, i) => {
		const at = `shards[${i}]`;
		if (entry === null || typeof entry !== "object" || Array.isArray(entry))
			fail(`${at}: expected an object { address, state }`);
		const e = entry as Record<string, unknown>;
		for (const k of Object.keys(e))
			if (k !== "address" && k !== "state")
				fail(`${at}: unknown field ${JSON.stringify(k)}`);
		const address = e.address;
		const m = typeof address === "string" ? ADDRESS.exec(address) : null;
		const port = m === null ? Number.NaN : Number(m[1]);
		if (m === null || port < 1 || port > 65535)
			fail(
				`${at}.address: expected "host:port", got ${JSON.stringify(address)}`,
			);
		if (seen.has(address as string))
			fail(`${at}.address: ${address as string} appears twice`);
		seen.add(address as string);
		if (!isShardStateName(e.state))
			fail(
				`${at}.state: expected one of ${SHARD_STATE_NAMES.join(", ")}, got ${JSON.stringify(e.state)}`,
			);
		out.push(
			Object.freeze({
				address: address as string,
				state: e.state as ShardStateName,
			}),
		);
	});
	return Object.freeze({
		version: version as number,
		shards: Object.freeze(out),
	});
}

/**
 * Decodes and validates a stored shard map (UTF-8 JSON).
 *
 * @throws {@link InvalidShardMapError} on bad JSON, size or format
 */
export function parseShardMap(
	text: string | Uint8Array,
	key = "(shard map)",
	revision?: number | undefined,
): ShardMap {
	const size =
		typeof text === "string" ? Buffer.byteLength(text) : text.byteLength;
	if (size > MAX_SHARD_MAP_BYTES)
		throw new InvalidShardMapError(
			key,
			`${size} bytes, the limit is ${MAX_SHARD_MAP_BYTES}`,
			revision,
		);
	const s =
		typeof text === "string" ? text : Buffer.from(text).toString("utf8");
	let value: unknown;
	try {
		value = JSON.parse(s);
	} catch (err) {
		throw new InvalidShardMapError(key, "not valid JSON", revision, {
			cause: err,
		});
	}
	return validateShardMap(value, key, revision);
}

/** Encodes a map the way the CLI stores it (validated; two-space JSON and a newline). */
export function formatShardMap(map: ShardMap): string {
	const valid = validateShardMap(map);
	return `${JSON.stringify(valid, null, 2)}\n`;
}

/** The entries to hand to `updateShardStates`, in shard order. */
export function toShardStates(map: ShardMap): ShardStateEntry[] {
	return map.shards.map((s) => ({
		address: s.address,
		state: NAME_TO_STATE[s.state],
	}));
}
