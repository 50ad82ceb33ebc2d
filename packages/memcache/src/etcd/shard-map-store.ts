import type { Etcd3 } from "etcd3";
import {
	etcdCallError,
	InvalidShardMapError,
	ShardMapConflictError,
} from "./errors.js";
import {
	parseShardMap,
	type ShardMap,
	type ShardMapEntry,
	validateShardMap,
} from "./shard-map.js";

/** What {@link readShardMap} found at the key. */
export interface ReadShardMapResult {
	/** The valid map, or undefined when the key does not exist. */
	readonly map: ShardMap | undefined;
	/** etcd mod_revision of the value (0 when the key does not exist). */
	readonly modRevision: number;
	/** Set (and `map` undefined) when the stored value is malformed. */
	readonly invalid: InvalidShardMapError | undefined;
}

/**
 * Reads the shard map at `key` with a linearizable read.
 *
 * @throws {@link ShardMapUnavailableError} when etcd does not answer within `timeoutMs`
 * @throws {@link ShardMapAccessDeniedError} when etcd refuses the client (TLS, authentication)
 */
export async function readShardMap(
	client: Etcd3,
	key: string,
	timeoutMs = 5000,
): Promise<ReadShardMapResult> {
	let res: Awaited<ReturnType<ReturnType<Etcd3["get"]>["exec"]>>;
	try {
		res = await client
			.get(key)
			.options({ deadline: Date.now() + timeoutMs })
			.exec();
	} catch (err) {
		throw etcdCallError(key, timeoutMs, err);
	}
	const kv = res.kvs[0];
	if (kv === undefined)
		return { map: undefined, modRevision: 0, invalid: undefined };
	const modRevision = Number(kv.mod_revision);
	try {
		return {
			map: parseShardMap(kv.value, key, modRevision),
			modRevision,
			invalid: undefined,
		};
	} catch (err) {
		if (!(err instanceof InvalidShardMapError)) throw err;
		return { map: undefined, modRevision, invalid: err };
	}
}

/** Options of {@link writeShardMap}. */
export interface WriteShardMapOptions {
	/**
	 * Write only if the stored map is at this version (what the operator last saw); otherwise
	 * {@link ShardMapConflictError}. Without it the write still cannot overwrite a change made
	 * between its own read and write (the transaction compares the key's mod_revision).
	 */
	readonly expectVersion?: number | undefined;
	/** Only create the map: fail with a conflict when the key exists. */
	readonly createOnly?: boolean | undefined;
	/**
	 * Replace a malformed stored map (otherwise that is an {@link InvalidShardMapError}). The new
	 * version is then `minVersion`, which must exceed what clients applied last.
	 */
	readonly overwriteInvalid?: boolean | undefined;
	/** Lowest version to write (the new version is max(current + 1, minVersion)). @defaultValue 1 */
	readonly minVersion?: number | undefined;
	/** Deadline of each etcd request, in ms. @defaultValue 5000 */
	readonly timeoutMs?: number | undefined;
}

/**
 * Read-modify-write of the shard map with a compare-and-swap: reads the map, asks `change` for
 * the new shard list, writes `{ version: current + 1, shards }` in an etcd transaction that
 * succeeds only if the key's mod_revision is still the one read (or, when creating, the key
 * still does not exist). Two concurrent writers cannot both win.
 *
 * @returns the written map and its mod_revision
 * @throws {@link ShardMapConflictError} when the CAS (or `expectVersion`, or `createOnly`) fails
 * @throws {@link InvalidShardMapError} when the stored or the new map is malformed
 * @throws {@link ShardMapUnavailableError} when etcd does not answer
 * @throws {@link ShardMapAccessDeniedError} when etcd refuses the client (TLS, authentication)
 */
export async function writeShardMap(
	client: Etcd3,
	key: string,
	change: (current: ShardMap | undefined) => readonly ShardMapEntry[],
	options: WriteShardMapOptions = {},
): Promise<{ map: ShardMap; revision: number }> {
	const timeoutMs = options.timeoutMs ?? 5000;
	const cur = await readShardMap(client, key, timeoutMs);
	if (cur.invalid !== undefined && !options.overwriteInvalid) throw cur.invalid;
	const exists = cur.modRevision !== 0;
	if (options.createOnly && exists)
		throw new ShardMapConflictError(
			key,
			undefined,
			cur.map?.version,
			"the key already exists (init only creates)",
		);
	if (
		options.expectVersion !== undefined &&
		cur.map?.version !== options.expectVersion
	)
		throw new ShardMapConflictError(
			key,
			options.expectVersion,
			cur.map?.version,
			`expected version ${options.expectVersion}, found ${cur.map === undefined ? "no valid map" : `version ${cur.map.version}`}`,
		);
	const version = Math.max(
		(cur.map?.version ?? 0) + 1,
		options.minVersion ?? 1,
	);
	const next = validateShardMap(
		{ version, shards: change(cur.map).map((s) => ({ ...s })) },
		key,
	);
	const text = `${JSON.stringify(next, null, 2)}\n`;
	let res: Awaited<ReturnType<ReturnType<Etcd3["if"]>["commit"]>>;
	try {
		res = await client
			.if(key, exists ? "Mod" : "Create", "==", exists ? cur.modRevision : 0)
			.then(client.put(key).value(text))
			.options({ deadline: Date.now() + timeoutMs })
			.commit();
	} catch (err) {
		throw etcdCallError(key, timeoutMs, err);
	}
	if (!res.succeeded)
		throw new ShardMapConflictError(
			key,
			options.expectVersion ?? cur.map?.version,
			undefined,
			"the map changed between read and write (compare-and-swap on mod_revision lost)",
		);
	return { map: next, revision: Number(res.header.revision) };
}
