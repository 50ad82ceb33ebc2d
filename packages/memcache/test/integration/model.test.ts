import {
	type MemcachedCluster,
	requireServers,
	startMemcached,
} from "@godropbox-ts/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	RawAsciiClient,
	RawBinaryClient,
	ResponseStatus,
} from "../../src/index.js";
import { prng } from "../helpers/vectors.js";

const ok = await requireServers("memcached");
const NO_CREATE = 0xffffffff;

interface ModelItem {
	value: Buffer;
	flags: number;
	/** The server's CAS when known (binary writes report it; ascii writes do not). */
	cas: bigint | undefined;
}

/**
 * Thousands of random operations, issued in rounds of concurrent (pipelined) calls spread over
 * several clients and connections, each round on distinct keys; every response is checked
 * against an in-memory model of memcached's semantics.
 */
describe.skipIf(!ok).each(["binary", "ascii"] as const)(
	"randomized model test (%s)",
	(protocol) => {
		let cluster: MemcachedCluster;
		beforeAll(async () => {
			cluster = await startMemcached();
		});
		afterAll(async () => {
			await cluster?.stop();
		});

		it("random pipelined operations agree with the model", async () => {
			const seed = Number(
				process.env.MODEL_SEED ?? Math.floor(Math.random() * 2 ** 31),
			);
			console.log(
				`model test (${protocol}) seed=${seed} (rerun with MODEL_SEED=${seed})`,
			);
			const rand = prng(seed);
			const pick = <T>(xs: readonly T[]): T =>
				xs[Math.floor(rand() * xs.length)] as T;
			const Ctor = protocol === "binary" ? RawBinaryClient : RawAsciiClient;
			const clients = [1, 2, 3].map(
				(n) =>
					new Ctor({
						address: cluster.addresses[0] as string,
						connections: n,
						timeout: 5000,
					}),
			);
			const binary = protocol === "binary";
			const model = new Map<string, ModelItem>();
			const keys = Array.from(
				{ length: 60 },
				(_, i) => `m${i}${i % 7 === 0 ? "é" : ""}`,
			);
			let ops = 0;
			try {
				for (let round = 0; round < 120; round++) {
					const free = [...keys];
					const checks: Promise<void>[] = [];
					const n = 10 + Math.floor(rand() * 30);
					for (let j = 0; j < n && free.length > 0; j++) {
						const key = free.splice(
							Math.floor(rand() * free.length),
							1,
						)[0] as string;
						const c = pick(clients);
						const cur = model.get(key);
						const value = Buffer.from(
							rand() < 0.3
								? String(Math.floor(rand() * 1000))
								: `v${round}-${j}-${"x".repeat(Math.floor(rand() * 40))}`,
						);
						const flags = Math.floor(rand() * 2 ** 32);
						const kind = pick([
							"get",
							"get",
							"getMulti",
							"set",
							"casSet",
							"add",
							"replace",
							"delete",
							"append",
							"prepend",
							"incr",
							"decr",
						] as const);
						const ctx = `seed=${seed} round=${round} op=${kind} key=${key}`;
						ops++;
						switch (kind) {
							case "get":
							case "getMulti": {
								const p =
									kind === "get"
										? c.get(key)
										: c.getMulti([key]).then((m) => m.get(key));
								checks.push(
									p.then((r) => {
										expect(r?.status, ctx).toBe(
											cur ? 0 : ResponseStatus.KeyNotFound,
										);
										if (cur && r) {
											expect(r.value?.equals(cur.value), ctx).toBe(true);
											expect(r.flags, ctx).toBe(cur.flags);
											if (cur.cas !== undefined)
												expect(r.dataVersionId, ctx).toBe(cur.cas);
											cur.cas = r.dataVersionId;
										}
									}),
								);
								break;
							}
							case "set":
							case "casSet":
							case "add":
							case "replace": {
								let cas = 0n;
								if (kind === "casSet")
									cas =
										cur?.cas !== undefined
											? rand() < 0.5
												? cur.cas
												: cur.cas + 1000n
											: 99999999n;
								const item = { key, value, flags, dataVersionId: cas };
								const p =
									kind === "add"
										? c.add(item)
										: kind === "replace"
											? c.replace(item)
											: c.set(item);
								let expected: number;
								if (kind === "add")
									expected = cur
										? binary
											? ResponseStatus.KeyExists
											: ResponseStatus.ItemNotStored
										: 0;
								else if (kind === "replace")
									expected = cur
										? 0
										: binary
											? ResponseStatus.KeyNotFound
											: ResponseStatus.ItemNotStored;
								else if (cas !== 0n)
									expected = !cur
										? ResponseStatus.KeyNotFound
										: cur.cas === cas
											? 0
											: ResponseStatus.KeyExists;
								else expected = 0;
								if (expected === 0)
									model.set(key, { value, flags, cas: undefined });
								checks.push(
									p.then((r) => {
										expect(r.status, ctx).toBe(expected);
										const m = model.get(key);
										if (expected === 0 && binary && m) m.cas = r.dataVersionId;
									}),
								);
								break;
							}
							case "delete":
								if (cur) model.delete(key);
								checks.push(
									c
										.delete(key)
										.then((r) =>
											expect(r.status, ctx).toBe(
												cur ? 0 : ResponseStatus.KeyNotFound,
											),
										),
								);
								break;
							case "append":
							case "prepend": {
								if (cur)
									model.set(key, {
										value:
											kind === "append"
												? Buffer.concat([cur.value, value])
												: Buffer.concat([value, cur.value]),
										flags: cur.flags,
										cas: undefined,
									});
								const p =
									kind === "append"
										? c.append(key, value)
										: c.prepend(key, value);
								checks.push(
									p.then((r) =>
										expect(r.status, ctx).toBe(
											cur ? 0 : ResponseStatus.ItemNotStored,
										),
									),
								);
								break;
							}
							case "incr":
							case "decr": {
								const delta = BigInt(Math.floor(rand() * 500));
								// memcached's safe_strtoull: optional leading space, digits, then a space or the end.
								const match = cur?.value
									.toString("latin1")
									.match(/^\s*(\d+)(?:\s|$)/);
								const text = match?.[1];
								const numeric =
									text !== undefined && BigInt(text) <= 0xffffffffffffffffn;
								const p =
									kind === "incr"
										? c.increment(key, delta, 7n, binary ? 0 : NO_CREATE)
										: c.decrement(key, delta, 7n, binary ? 0 : NO_CREATE);
								if (!cur) {
									if (binary)
										model.set(key, {
											value: Buffer.from("7"),
											flags: 0,
											cas: undefined,
										});
									checks.push(
										p.then((r) =>
											expect([r.status, r.count], ctx).toEqual(
												binary ? [0, 7n] : [ResponseStatus.KeyNotFound, 0n],
											),
										),
									);
								} else if (!numeric) {
									checks.push(
										p.then((r) =>
											expect(r.status, ctx).toBe(
												binary
													? ResponseStatus.IncrDecrOnNonNumericValue
													: ResponseStatus.ClientError,
											),
										),
									);
								} else {
									const now = BigInt(text as string);
									const next =
										kind === "incr"
											? (now + delta) & 0xffffffffffffffffn
											: now > delta
												? now - delta
												: 0n;
									let s = next.toString();
									if (s.length < cur.value.length)
										s = s.padEnd(cur.value.length, " ");
									model.set(key, {
										value: Buffer.from(s),
										flags: cur.flags,
										cas: undefined,
									});
									checks.push(
										p.then((r) =>
											expect([r.status, r.count], ctx).toEqual([0, next]),
										),
									);
								}
								break;
							}
						}
					}
					await Promise.all(checks);
				}
				expect(ops).toBeGreaterThan(2000);
				for (const c of clients) {
					const s = c.stats();
					expect(s.timeouts + s.protocolErrors + s.connectionErrors).toBe(0);
				}
			} finally {
				await Promise.all(clients.map((c) => c.close()));
			}
		});
	},
);
