import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { Etcd3, type IOptions } from "etcd3";
import {
	CLI_CONNECTION_OPTIONS,
	CLI_CONNECTION_USAGE,
	cliConnectionOptions,
	CliUsageError as UsageError,
} from "./cli-connection.js";
import {
	EtcdShardMapErrorCode,
	InvalidShardMapError,
	ShardMapAccessDeniedError,
	ShardMapNotFoundError,
	ShardMapUnavailableError,
} from "./errors.js";
import { DEFAULT_SHARD_MAP_KEY } from "./etcd-shard-manager.js";
import {
	isShardStateName,
	parseShardMap,
	SHARD_STATE_NAMES,
	type ShardMap,
} from "./shard-map.js";
import { readShardMap, writeShardMap } from "./shard-map-store.js";
import { probeTls } from "./tls-probe.js";

/** Exit codes of `godropbox-ts-shards`. */
export const ShardsCliExit = {
	/** Done. */
	Ok: 0,
	/** Unexpected failure (a bug, or an error not listed here). */
	Failure: 1,
	/** Bad command line. */
	Usage: 2,
	/** Compare-and-swap lost: the map changed (or `init` on an existing map). Re-read, retry. */
	Conflict: 3,
	/** The stored or the new map is malformed, or there is no map (`show`/`move`/`set` before `init`). */
	Invalid: 4,
	/** etcd did not answer in time (members down or no quorum). The write may not have happened. */
	Unavailable: 5,
	/**
	 * etcd refused the client: TLS handshake failed (`--cacert`, `--cert`/`--key-file`) or
	 * authentication or permission was denied (`--user`, `ETCD_PASSWORD`). Nothing was written.
	 */
	AccessDenied: 6,
} as const;

/** Where the CLI writes and what it reads (injected by tests). */
export interface ShardsCliIo {
	readonly stdout: (text: string) => void;
	readonly stderr: (text: string) => void;
	readonly env: Readonly<Record<string, string | undefined>>;
	readonly readStdin: () => Promise<string>;
}

const USAGE = `usage: godropbox-ts-shards [options] <command>

commands:
  show [--json]                          print the shard map, its version and etcd revision
  init --shards HOST:PORT,HOST:PORT...    create the map (version 1, all Active); fails if it exists
  move <SHARD-ID|HOST:PORT> <STATE>       set one shard's state (${SHARD_STATE_NAMES.join(", ")})
  set <FILE|->                            replace the shard list with the "shards" of a map JSON file
                                          (--force also replaces a malformed stored map)

options:
${CLI_CONNECTION_USAGE}
  --key KEY             etcd key of the map (default: ${DEFAULT_SHARD_MAP_KEY})
  --expect-version N    write only if the stored map is at version N (what you last saw)
  --timeout MS          deadline of each etcd request (default: 5000)

Every write is a compare-and-swap: it increments "version" and fails with exit code 3 when
the map changed since it was read, so two operators cannot overwrite each other.
exit codes: 0 ok, 1 failure, 2 usage, 3 conflict, 4 invalid or missing map, 5 etcd unavailable,
6 access denied (TLS or authentication)

TLS and authentication, e.g.:
  export ETCD_PASSWORD=...        # never on the command line
  godropbox-ts-shards --endpoints 10.0.1.1:2379 --cacert ca.pem --user shards show
`;

/**
 * Runs `godropbox-ts-shards` with `argv` (without `node` and the script) and returns the exit
 * code ({@link ShardsCliExit}); never throws and never calls `process.exit`.
 */
export async function runShardsCli(
	argv: readonly string[],
	io: ShardsCliIo = processIo(),
): Promise<number> {
	let client: Etcd3 | undefined;
	let connection: IOptions | undefined;
	let timeoutMs = 5000;
	try {
		const { values, positionals } = parseArgs({
			args: [...argv],
			allowPositionals: true,
			strict: true,
			options: {
				...CLI_CONNECTION_OPTIONS,
				key: { type: "string" },
				"expect-version": { type: "string" },
				timeout: { type: "string" },
				shards: { type: "string" },
				json: { type: "boolean" },
				force: { type: "boolean" },
				help: { type: "boolean", short: "h" },
			},
		});
		if (values.help === true) {
			io.stdout(USAGE);
			return ShardsCliExit.Ok;
		}
		const [command, ...rest] = positionals;
		if (command === undefined) throw new UsageError("missing command");
		connection = await cliConnectionOptions(values, io.env, io.stderr);
		const key = values.key ?? DEFAULT_SHARD_MAP_KEY;
		timeoutMs = intOption("--timeout", values.timeout) ?? 5000;
		const expectVersion = intOption(
			"--expect-version",
			values["expect-version"],
		);
		try {
			client = new Etcd3({ ...connection, dialTimeout: timeoutMs });
		} catch (err) {
			// grpc-js builds the TLS context here: a key that does not match --cert, a bad PEM.
			throw new UsageError(
				`cannot use the TLS files (--cacert, --cert, --key-file): ${(err as Error).message}`,
			);
		}
		const write = { timeoutMs, expectVersion };
		switch (command) {
			case "show": {
				noExtra(rest);
				const r = await readShardMap(client, key, timeoutMs);
				if (r.invalid !== undefined) throw r.invalid;
				if (r.map === undefined) throw new ShardMapNotFoundError(key);
				if (values.json === true)
					io.stdout(
						`${JSON.stringify({ key, revision: r.modRevision, ...r.map }, null, 2)}\n`,
					);
				else io.stdout(describe(key, r.map, r.modRevision));
				return ShardsCliExit.Ok;
			}
			case "init": {
				noExtra(rest);
				if (values.shards === undefined)
					throw new UsageError("init needs --shards host:port,host:port...");
				const addresses = values.shards
					.split(",")
					.map((s) => s.trim())
					.filter((s) => s !== "");
				const r = await writeShardMap(
					client,
					key,
					() => addresses.map((address) => ({ address, state: "Active" })),
					{ ...write, createOnly: true },
				);
				io.stdout(describe(key, r.map, r.revision));
				return ShardsCliExit.Ok;
			}
			case "move": {
				const [target, state, ...extra] = rest;
				noExtra(extra);
				if (target === undefined || state === undefined)
					throw new UsageError("move needs <shard-id|host:port> <state>");
				if (!isShardStateName(state))
					throw new UsageError(
						`unknown state ${JSON.stringify(state)}: use one of ${SHARD_STATE_NAMES.join(", ")}`,
					);
				let line = "";
				const r = await writeShardMap(
					client,
					key,
					(cur) => {
						if (cur === undefined) throw new ShardMapNotFoundError(key);
						const idx = /^\d+$/.test(target)
							? Number(target)
							: cur.shards.findIndex((s) => s.address === target);
						const shard = cur.shards[idx];
						if (shard === undefined)
							throw new UsageError(
								`no shard ${JSON.stringify(target)} in the map (${cur.shards.length} shards; use an index or an address)`,
							);
						line = `shard ${idx} (${shard.address}): ${shard.state} -> ${state}\n`;
						return cur.shards.map((s, i) =>
							i === idx ? { address: s.address, state } : s,
						);
					},
					write,
				);
				io.stdout(`version ${r.map.version - 1} -> ${r.map.version}: ${line}`);
				return ShardsCliExit.Ok;
			}
			case "set": {
				const [file, ...extra] = rest;
				noExtra(extra);
				if (file === undefined) throw new UsageError("set needs <file|->");
				const text =
					file === "-" ? await io.readStdin() : await readFile(file, "utf8");
				const wanted = parseShardMap(text, file === "-" ? "(stdin)" : file);
				const r = await writeShardMap(client, key, () => wanted.shards, {
					...write,
					overwriteInvalid: values.force === true,
					minVersion: wanted.version,
				});
				io.stdout(describe(key, r.map, r.revision));
				return ShardsCliExit.Ok;
			}
			default:
				throw new UsageError(`unknown command ${JSON.stringify(command)}`);
		}
	} catch (err) {
		client?.close();
		client = undefined;
		if (err instanceof ShardMapUnavailableError && connection !== undefined) {
			const tlsFailure = await probeTls(connection, Math.min(timeoutMs, 5000));
			if (tlsFailure !== undefined)
				return report(
					new ShardMapAccessDeniedError(err.key, "tls", tlsFailure, err),
					io,
				);
		}
		return report(err, io);
	} finally {
		client?.close();
	}
}

function report(err: unknown, io: ShardsCliIo): number {
	if (err instanceof UsageError || isParseArgsError(err)) {
		io.stderr(`godropbox-ts-shards: ${(err as Error).message}\n\n${USAGE}`);
		return ShardsCliExit.Usage;
	}
	if (err instanceof ShardMapAccessDeniedError) {
		io.stderr(
			err.reason === "tls"
				? `godropbox-ts-shards: TLS handshake with etcd failed: ${err.detail}\n  check --cacert (the CA that signed the servers' certificates) and, if the servers require client certificates, --cert and --key-file\n`
				: `godropbox-ts-shards: etcd denied access to ${err.key}: ${err.detail}\n  etcd has authentication enabled: pass --user NAME with the password in ETCD_PASSWORD (and a role that may read and write the key)\n`,
		);
		return ShardsCliExit.AccessDenied;
	}
	const code = (err as { code?: unknown } | null)?.code;
	io.stderr(`godropbox-ts-shards: ${(err as Error)?.message ?? String(err)}\n`);
	if (code === EtcdShardMapErrorCode.Unavailable) {
		const cause = (err as Error).cause as { message?: unknown } | undefined;
		if (cause?.message !== undefined)
			io.stderr(`  cause: ${String(cause.message).trim()}\n`);
	}
	switch (code) {
		case EtcdShardMapErrorCode.Conflict:
			return ShardsCliExit.Conflict;
		case EtcdShardMapErrorCode.InvalidShardMap:
		case EtcdShardMapErrorCode.NotFound:
			return ShardsCliExit.Invalid;
		case EtcdShardMapErrorCode.Unavailable:
			return ShardsCliExit.Unavailable;
		default:
			return err instanceof InvalidShardMapError
				? ShardsCliExit.Invalid
				: ShardsCliExit.Failure;
	}
}

function isParseArgsError(err: unknown): boolean {
	const code = (err as { code?: unknown } | null)?.code;
	return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS_");
}

function intOption(name: string, v: string | undefined): number | undefined {
	if (v === undefined) return undefined;
	if (!/^\d+$/.test(v))
		throw new UsageError(`${name} needs a non-negative integer`);
	return Number(v);
}

function noExtra(rest: readonly string[]): void {
	if (rest.length > 0)
		throw new UsageError(`unexpected arguments: ${rest.join(" ")}`);
}

function describe(key: string, map: ShardMap, revision: number): string {
	const w = Math.max(7, ...map.shards.map((s) => s.address.length));
	const lines = [
		`key ${key}  version ${map.version}  revision ${revision}`,
		`shard  ${"address".padEnd(w)}  state`,
		...map.shards.map(
			(s, i) => `${String(i).padEnd(5)}  ${s.address.padEnd(w)}  ${s.state}`,
		),
	];
	return `${lines.join("\n")}\n`;
}

function processIo(): ShardsCliIo {
	return {
		stdout: (t) => process.stdout.write(t),
		stderr: (t) => process.stderr.write(t),
		env: process.env,
		readStdin: async () => {
			const chunks: Buffer[] = [];
			for await (const c of process.stdin) chunks.push(c as Buffer);
			return Buffer.concat(chunks).toString("utf8");
		},
	};
}
