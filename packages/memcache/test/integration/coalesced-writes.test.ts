import net from "node:net";
import {
	type MemcachedCluster,
	requireServers,
	startMemcached,
} from "@godropbox-ts/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	type MutateResponse,
	RawAsciiClient,
	RawBinaryClient,
	RawMetaClient,
	ResponseStatus,
} from "../../src/index.js";

// Concurrent single writes (set/add/replace/delete) issued in one tick go out as one pipelined,
// non-quiet batch (option coalesceWrites, default on). Each caller must still get exactly the
// response a lone write gets — status, error and (binary/meta) the new CAS.

const ok = await requireServers("memcached");
const b = (s: string) => Buffer.from(s);

type Ctor =
	| typeof RawBinaryClient
	| typeof RawAsciiClient
	| typeof RawMetaClient;
type AnyClient = RawBinaryClient | RawAsciiClient | RawMetaClient;

/** The same mixed sequence, all calls issued in one tick. */
function mixedBatch(c: AnyClient, p: string): Promise<MutateResponse[]> {
	return Promise.all([
		c.add({ key: `${p}e0`, value: b("x") }), // existing → not stored
		c.add({ key: `${p}n0`, value: b("new0") }), // new → stored
		c.add({ key: `${p}e1`, value: b("x") }), // existing → not stored
		c.add({ key: `${p}n1`, value: b("new1"), flags: 7 }), // new → stored
		c.replace({ key: `${p}missing`, value: b("x") }), // missing → not stored
		c.replace({ key: `${p}e2`, value: b("replaced") }), // existing → stored
		c.delete(`${p}missing2`), // missing → KeyNotFound
		c.delete(`${p}e3`), // existing → deleted
		c.set({ key: `${p}s`, value: b("set") }),
	]);
}

async function seed(c: AnyClient, p: string): Promise<void> {
	const rs = await c.setMulti(
		[0, 1, 2, 3].map((i) => ({ key: `${p}e${i}`, value: b(`old${i}`) })),
	);
	for (const r of rs) expect(r.status).toBe(0);
}

describe.skipIf(!ok).each([
	["binary", RawBinaryClient],
	["ascii", RawAsciiClient],
	["meta", RawMetaClient],
] as const)("%s: coalesced single writes", (protocol, C: Ctor) => {
	let cluster: MemcachedCluster;
	let client: AnyClient;
	let plain: AnyClient;
	const returnsCas = protocol !== "ascii";

	beforeAll(async () => {
		cluster = await startMemcached();
		const address = cluster.addresses[0] as string;
		client = new C({ address, timeout: 5000, connections: 1 });
		plain = new C({
			address,
			timeout: 5000,
			connections: 1,
			coalesceWrites: false,
		});
	});
	afterAll(async () => {
		await client?.close();
		await plain?.close();
		await cluster?.stop();
	});

	it("mixed success/failure in one batch: each caller gets its own status, same as lone writes", async () => {
		await seed(client, "c:");
		await seed(plain, "p:");
		const before = client.stats().requests;
		const got = await mixedBatch(client, "c:");
		// One request on the wire for the nine calls: they were really coalesced.
		expect(client.stats().requests - before).toBe(1);
		const want = await mixedBatch(plain, "p:");
		expect(got.map((r) => r.status)).toEqual(want.map((r) => r.status));
		expect(got.map((r) => r.error?.code)).toEqual(
			want.map((r) => r.error?.code),
		);
		expect(got.map((r) => r.key.slice(2))).toEqual(
			want.map((r) => r.key.slice(2)),
		);
		const ok = [1, 3, 5, 7, 8];
		for (let i = 0; i < got.length; i++) {
			const r = got[i] as MutateResponse;
			if (ok.includes(i)) expect(r.status, `call ${i}`).toBe(0);
			else expect(r.status, `call ${i}`).not.toBe(0);
		}
		expect(got[6]?.status).toBe(ResponseStatus.KeyNotFound);
		// Stored writes carry their own new CAS (binary/meta), equal to what a get now reports.
		for (const i of [1, 3, 5, 8]) {
			const r = got[i] as MutateResponse;
			const g = await client.get(r.key);
			expect(g.status).toBe(0);
			if (returnsCas) {
				expect(r.dataVersionId).toBeGreaterThan(0n);
				expect(r.dataVersionId).toBe(g.dataVersionId);
			} else expect(r.dataVersionId).toBe(0n);
		}
		for (const i of [0, 2, 4, 6]) expect(got[i]?.dataVersionId).toBe(0n);
		if (returnsCas)
			expect(new Set([1, 3, 5, 8].map((i) => got[i]?.dataVersionId)).size).toBe(
				4,
			);
		expect((await client.get("c:n1")).flags).toBe(7);
		expect((await client.get("c:e0")).value?.toString()).toBe("old0");
		expect((await client.get("c:e2")).value?.toString()).toBe("replaced");
		expect((await client.get("c:e3")).status).toBe(ResponseStatus.KeyNotFound);
	});

	it("CAS mismatch, CAS on a missing key and a matching CAS in one batch", async () => {
		const s = await client.set({ key: "cas1", value: b("v1") });
		expect(s.status).toBe(0);
		const cas = returnsCas
			? s.dataVersionId
			: (await client.get("cas1")).dataVersionId;
		expect(cas).toBeGreaterThan(0n);
		const before = client.stats().requests;
		const [bad, missing, good] = await Promise.all([
			client.set({ key: "cas1", value: b("bad"), dataVersionId: cas + 1n }),
			client.set({ key: "cas-missing", value: b("x"), dataVersionId: cas }),
			client.set({ key: "cas1", value: b("good"), dataVersionId: cas }),
		]);
		expect(client.stats().requests - before).toBe(1);
		expect(bad?.status).toBe(ResponseStatus.KeyExists);
		expect(bad?.dataVersionId).toBe(0n);
		expect(missing?.status).toBe(ResponseStatus.KeyNotFound);
		expect(good?.status).toBe(0);
		const g = await client.get("cas1");
		expect(g.value?.toString()).toBe("good");
		if (returnsCas) expect(good?.dataVersionId).toBe(g.dataVersionId);
	});

	it("an oversize value is rejected client-side; the rest of the batch is stored", async () => {
		await using small = new C({
			address: cluster.addresses[0] as string,
			connections: 1,
			maxValueLength: 10,
		});
		const before = small.stats().requests;
		const [a, big, c] = await Promise.all([
			small.set({ key: "ov-a", value: b("a") }),
			small.set({ key: "ov-big", value: Buffer.alloc(11, 1) }),
			small.set({ key: "ov-c", value: b("c") }),
		]);
		expect(small.stats().requests - before).toBe(1);
		expect(a?.status).toBe(0);
		expect(c?.status).toBe(0);
		expect(big?.status).toBe(ResponseStatus.ClientError);
		expect(big?.error?.code).toBe("ERR_MEMCACHE_INVALID_VALUE");
		expect((await small.get("ov-big")).status).toBe(ResponseStatus.KeyNotFound);
		expect((await small.get("ov-c")).value?.toString()).toBe("c");
	});

	it("an aborted caller rejects alone; destroy() fails writes still queued for the tick", async () => {
		const ac = new AbortController();
		const calls = [
			client.set({ key: "ab1", value: b("1") }),
			client.set({ key: "ab2", value: b("2") }, { signal: ac.signal }),
			client.set({ key: "ab3", value: b("3") }),
		];
		ac.abort();
		const settled = await Promise.allSettled(calls);
		expect(settled[0]).toMatchObject({ status: "fulfilled" });
		expect(settled[2]).toMatchObject({ status: "fulfilled" });
		expect(settled[1]).toMatchObject({
			status: "rejected",
			reason: { code: "ERR_MEMCACHE_ABORTED" },
		});
		// The aborted write still ran to completion on the connection (pipeline in sync).
		expect((await client.get("ab3")).value?.toString()).toBe("3");

		const doomed = new C({
			address: cluster.addresses[0] as string,
			connections: 1,
		});
		const queued = [
			doomed.set({ key: "d1", value: b("1") }),
			doomed.delete("d2"),
		];
		await doomed.destroy();
		for (const r of await Promise.all(queued))
			expect(r.error?.code).toBe("ERR_MEMCACHE_CLIENT_CLOSED");
	});
});

describe.skipIf(!ok)("coalesced writes: server killed mid-batch", () => {
	it.each([
		["binary", RawBinaryClient],
		["ascii", RawAsciiClient],
		["meta", RawMetaClient],
	] as const)(
		"%s: every write settles with its own success or a typed connection/timeout error",
		async (_p, C: Ctor) => {
			const cluster = await startMemcached();
			const proc = cluster.processes[0];
			if (proc === undefined) throw new Error("no server");
			try {
				await using client = new C({
					address: proc.address,
					connections: 1,
					timeout: 2000,
				});
				const value = (i: number) => Buffer.alloc(20_000, i % 251);
				const calls = Array.from({ length: 200 }, (_, i) =>
					client.set({ key: `k${i}`, value: value(i) }),
				);
				await new Promise((r) => setImmediate(r));
				await proc.kill("SIGKILL");
				let timer: NodeJS.Timeout | undefined;
				const rs = await Promise.race([
					Promise.all(calls).finally(() => clearTimeout(timer)),
					new Promise<never>((_, reject) => {
						timer = setTimeout(
							() => reject(new Error("batch did not settle in 10 s")),
							10_000,
						);
					}),
				]);
				let failed = 0;
				for (const r of rs) {
					if (r.error === undefined) expect(r.status).toBe(0);
					else {
						failed++;
						expect(r.error.code).toMatch(/ERR_MEMCACHE_(CONNECTION|TIMEOUT)/);
					}
				}
				expect(failed).toBeGreaterThan(0);
			} finally {
				await cluster.stop();
			}
		},
	);
});

/** A scripted server: `answer` maps the bytes of one complete batch to the reply bytes. */
async function scripted(
	ready: (buf: Buffer) => Buffer | undefined,
	run: (address: string) => Promise<void>,
): Promise<void> {
	const sockets: net.Socket[] = [];
	const server = net.createServer((s) => {
		sockets.push(s);
		let buf = Buffer.alloc(0);
		s.on("data", (d: Buffer) => {
			buf = Buffer.concat([buf, d]);
			const reply = ready(buf);
			if (reply !== undefined) {
				buf = Buffer.alloc(0);
				s.write(reply);
			}
		});
	});
	await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
	const port = (server.address() as net.AddressInfo).port;
	try {
		await run(`127.0.0.1:${port}`);
	} finally {
		for (const s of sockets) s.destroy();
		await new Promise((r) => server.close(r));
	}
}

describe("coalesced writes against a scripted server (replies memcached never sends)", () => {
	const threeSets = async (c: AnyClient) => {
		const rs = await Promise.all([
			c.set({ key: "a", value: b("1") }),
			c.set({ key: "b", value: b("2") }),
			c.set({ key: "c", value: b("3") }),
		]);
		for (const r of rs) expect(r.error?.code).toBe("ERR_MEMCACHE_PROTOCOL");
		expect(c.stats().protocolErrors).toBe(1);
		expect(c.stats().connections).toBe(0);
	};

	it("binary: swapped opaques → every write of the batch fails with ProtocolError", async () => {
		const frame = 24 + 8 + 1 + 1; // header + extras + 1-byte key + 1-byte value
		await scripted(
			(buf) => {
				if (buf.length < 3 * frame) return undefined;
				const ok = (o: number) => {
					const f = Buffer.alloc(24);
					f[0] = 0x81;
					f[1] = 0x01; // SET
					f.writeUInt32BE(o, 12);
					f.writeBigUInt64BE(99n, 16);
					return f;
				};
				const o = [0, 1, 2].map((i) => buf.readUInt32BE(i * frame + 12));
				return Buffer.concat([
					ok(o[1] as number),
					ok(o[0] as number),
					ok(o[2] as number),
				]);
			},
			async (address) => {
				await using c = new RawBinaryClient({ address, connections: 1 });
				await threeSets(c);
			},
		);
	});

	it("meta: a reply with a foreign opaque → ProtocolError for the whole batch", async () => {
		await scripted(
			(buf) => {
				const text = buf.toString("latin1");
				if ((text.match(/\r\n/g) ?? []).length < 6) return undefined;
				return Buffer.from(
					"HD c5 O424242\r\nHD c6 O424243\r\nHD c7 O424244\r\n",
				);
			},
			async (address) => {
				await using c = new RawMetaClient({ address, connections: 1 });
				await threeSets(c);
			},
		);
	});

	it("ascii: stray bytes in place of STORED → ProtocolError for the whole batch", async () => {
		await scripted(
			(buf) => {
				const text = buf.toString("latin1");
				if ((text.match(/\r\n/g) ?? []).length < 6) return undefined;
				return Buffer.from("SURPRISE\r\nSTORED\r\nSTORED\r\n");
			},
			async (address) => {
				await using c = new RawAsciiClient({ address, connections: 1 });
				await threeSets(c);
			},
		);
	});
});
