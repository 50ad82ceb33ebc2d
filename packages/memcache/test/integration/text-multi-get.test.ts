// The text multi-get (`gets k1 k2 …`) that the meta and ascii clients use for getMulti and for
// coalesced single gets, against a real memcached, with the client→server bytes recorded by a
// loopback pipe to check that one call is one command.
import net from "node:net";
import {
	type MemcachedCluster,
	requireServers,
	startMemcached,
} from "@godropbox-ts/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	createClient,
	RawAsciiClient,
	RawMetaClient,
	ResponseStatus,
} from "../../src/index.js";

const ok = await requireServers("memcached");
const b = (s: string) => Buffer.from(s);

/** A loopback pipe to `target` that records what clients send. */
async function recordingPipe(target: string): Promise<{
	address: string;
	sent: () => string;
	close: () => Promise<void>;
}> {
	const [host, port] = target.split(":") as [string, string];
	const chunks: Buffer[] = [];
	const sockets = new Set<net.Socket>();
	const server = net.createServer((client) => {
		const upstream = net.connect(Number(port), host);
		sockets.add(client);
		sockets.add(upstream);
		client.on("data", (c: Buffer) => {
			chunks.push(c);
			upstream.write(c);
		});
		upstream.on("data", (c: Buffer) => client.write(c));
		const end = () => {
			client.destroy();
			upstream.destroy();
		};
		client.on("close", end);
		upstream.on("close", end);
		client.on("error", end);
		upstream.on("error", end);
	});
	await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
	const { port: p } = server.address() as net.AddressInfo;
	return {
		address: `127.0.0.1:${p}`,
		sent: () => Buffer.concat(chunks.splice(0)).toString("utf8"),
		close: () =>
			new Promise<void>((r) => {
				for (const s of sockets) s.destroy();
				server.close(() => r());
			}),
	};
}

describe.skipIf(!ok).each([
	["meta", RawMetaClient],
	["ascii", RawAsciiClient],
] as const)("%s client: getMulti is one text gets", (_name, Ctor) => {
	let cluster: MemcachedCluster;
	let pipe: Awaited<ReturnType<typeof recordingPipe>>;
	let client: RawMetaClient | RawAsciiClient;

	beforeAll(async () => {
		cluster = await startMemcached({ memoryMb: 64 });
		pipe = await recordingPipe(cluster.addresses[0] as string);
		client = new Ctor({ address: pipe.address, timeout: 10_000 });
	});
	afterAll(async () => {
		await client?.close();
		await pipe?.close();
		await cluster?.stop();
	});

	it("100 keys, hits mixed with misses and duplicates: one command, every value its own", async () => {
		const keys = Array.from({ length: 100 }, (_, i) => `tg:${i}`);
		const tricky = ["\r\nEND\r\n", "VALUE tg:1 0 1 1\r\nx\r\n", "", "END"];
		await client.setMulti(
			keys
				.filter((_, i) => i % 3 !== 0)
				.map((key, i) => ({
					key,
					value: b(i % 7 === 0 ? (tricky[i % 4] as string) : `v-${key}`),
					flags: i,
				})),
		);
		const expected = new Map<string, { value: string; flags: number }>();
		keys
			.filter((_, i) => i % 3 !== 0)
			.forEach((key, i) => {
				expected.set(key, {
					value: i % 7 === 0 ? (tricky[i % 4] as string) : `v-${key}`,
					flags: i,
				});
			});
		pipe.sent();
		const ask = [...keys, "tg:5", "tg:0", "tg:5"];
		const r = await client.getMulti(ask);
		const sent = pipe.sent();
		expect(sent).toBe(`gets ${keys.join(" ")}\r\n`);
		expect([...r.keys()]).toEqual(keys);
		for (const key of keys) {
			const g = r.get(key);
			const e = expected.get(key);
			if (e === undefined) {
				expect(g?.status).toBe(ResponseStatus.KeyNotFound);
				expect(g?.error).toBeUndefined();
			} else {
				expect([g?.status, g?.value?.toString(), g?.flags]).toEqual([
					0,
					e.value,
					e.flags,
				]);
				expect(g?.dataVersionId).toBeGreaterThan(0n);
			}
		}
	});

	it("a reply of several MB arrives in many chunks and parses whole", async () => {
		const keys = Array.from({ length: 60 }, (_, i) => `big:${i}`);
		const values = keys.map((k, i) => Buffer.alloc(50_000 + i * 1000, `${k}|`));
		await client.setMulti(
			keys.map((key, i) => ({ key, value: values[i] as Buffer })),
		);
		const r = await client.getMulti([...keys, "big:missing"]);
		keys.forEach((k, i) => {
			expect(r.get(k)?.value?.equals(values[i] as Buffer)).toBe(true);
		});
		expect(r.get("big:missing")?.status).toBe(ResponseStatus.KeyNotFound);
	});

	it("a command line of ~400 KB (2,000 keys of 200 bytes) is served whole", async () => {
		const keys = Array.from(
			{ length: 2000 },
			(_, i) => `${String(i).padStart(5, "0")}:${"k".repeat(194)}`,
		);
		await client.setMulti(
			keys
				.filter((_, i) => i % 2 === 0)
				.map((key) => ({ key, value: b(key.slice(0, 5)) })),
		);
		const r = await client.getMulti(keys);
		expect(r.size).toBe(2000);
		keys.forEach((k, i) => {
			const g = r.get(k);
			if (i % 2 === 0) expect(g?.value?.toString()).toBe(k.slice(0, 5));
			else expect(g?.status).toBe(ResponseStatus.KeyNotFound);
		});
	});

	it("concurrent getMulti calls and coalesced gets (more than one batch in flight) never mix", async () => {
		const keys = Array.from({ length: 300 }, (_, i) => `cc:${i}`);
		await client.setMulti(keys.map((key) => ({ key, value: b(`val:${key}`) })));
		const calls = Array.from({ length: 12 }, (_, c) =>
			keys.filter((_, i) => i % 12 === c || i % 5 === c),
		);
		const [multi, singles] = await Promise.all([
			Promise.all(calls.map((ks) => client.getMulti(ks))),
			Promise.all(keys.map((k) => client.get(k))),
		]);
		multi.forEach((m, c) => {
			expect([...m.keys()]).toEqual(calls[c]);
			for (const [k, g] of m) expect(g.value?.toString()).toBe(`val:${k}`);
		});
		singles.forEach((g, i) => {
			expect(g.key).toBe(keys[i]);
			expect(g.value?.toString()).toBe(`val:${keys[i]}`);
		});
	});
});

describe.skipIf(!ok)("createClient default", () => {
	let cluster: MemcachedCluster;
	beforeAll(async () => {
		cluster = await startMemcached();
	});
	afterAll(async () => {
		await cluster?.stop();
	});

	it("speaks meta (CAS back from set, counters with a seed) and its getMulti round-trips", async () => {
		await using client = createClient({ servers: cluster.addresses });
		expect(client.protocol).toBe("meta");
		const s = await client.set({ key: "d1", value: b("one"), flags: 3 });
		expect(s.dataVersionId).toBeGreaterThan(0n);
		expect((await client.increment("d2", 5n, 40n, 0)).count).toBe(40n);
		const r = await client.getMulti(["d1", "d0", "d1", "d2"]);
		expect([...r.keys()]).toEqual(["d1", "d0", "d2"]);
		expect(r.get("d1")).toMatchObject({
			status: 0,
			flags: 3,
			dataVersionId: s.dataVersionId,
		});
		expect(r.get("d1")?.value?.toString()).toBe("one");
		expect(r.get("d0")?.status).toBe(ResponseStatus.KeyNotFound);
		expect(r.get("d2")?.value?.toString()).toBe("40");
	});
});
