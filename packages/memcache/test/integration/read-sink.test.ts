// The sockets this package dials read through Node's `onread` into one reused buffer (see
// src/internal/read-sink.ts). These tests cover what that changes: replies larger than the read
// buffer (kept across reads, so they must be copied), many connections sharing the buffer at
// once, and stray bytes on an idle pooled connection.
import { randomBytes } from "node:crypto";
import net from "node:net";
import { MultiConnectionPool } from "@godropbox-ts/net2";
import {
	type MemcachedCluster,
	requireServers,
	startMemcached,
} from "@godropbox-ts/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	createClient,
	RawAsciiClient,
	RawBinaryClient,
	RawMetaClient,
} from "../../src/index.js";
import { hasReadSink, withReadSinkDial } from "../../src/internal/read-sink.js";

const ok = await requireServers("memcached");

// Values around and far beyond the 64 KiB read buffer, random bytes (a stale or overwritten
// byte anywhere shows).
const SIZES = [1, 65_535, 65_536, 65_537, 200_003, 1_000_000];

describe.skipIf(!ok)("reads through the shared onread buffer", () => {
	let mc: MemcachedCluster;
	beforeAll(async () => {
		mc = await startMemcached({ memoryMb: 64 });
	});
	afterAll(async () => {
		await mc?.stop();
	});

	it.each([
		["binary", RawBinaryClient],
		["ascii", RawAsciiClient],
		["meta", RawMetaClient],
	] as const)(
		"%s: large values and many connections come back byte-exact",
		async (name, Client) => {
			const address = mc.addresses[0] as string;
			await using client = new Client({ address, connections: 4 });
			const items = SIZES.map((n, i) => ({
				key: `rs:${name}:${i}`,
				value: randomBytes(n),
			}));
			for (const it of items) {
				const r = await client.set(it);
				expect(r.error).toBeUndefined();
			}
			// Singles (spread over 4 connections) and multi-gets in flight together: replies of
			// several sockets interleave through the one read buffer.
			const rounds = await Promise.all(
				Array.from({ length: 6 }, (_, r) =>
					r % 2 === 0
						? client.getMulti(items.map((it) => it.key))
						: Promise.all(items.map((it) => client.get(it.key))).then(
								(rs) => new Map(rs.map((x) => [x.key, x])),
							),
				),
			);
			for (const got of rounds)
				for (const it of items) {
					const r = got.get(it.key);
					expect(r?.error).toBeUndefined();
					expect(r?.value?.equals(it.value)).toBe(true);
				}
		},
	);

	it("createClient's default pool dials sockets that read through the sink", async () => {
		const address = mc.addresses[0] as string;
		// Seen from the pool: a connection borrowed through the same dial createClient uses.
		const pool = new MultiConnectionPool(withReadSinkDial(undefined));
		try {
			pool.register("tcp", address);
			const conn = await pool.get("tcp", address);
			expect(hasReadSink(conn.socket)).toBe(true);
			conn.release();
		} finally {
			await pool.close();
		}
		// A user's own dial (or TLS) keeps its sockets as they are.
		const own = withReadSinkDial({ noDelay: false });
		expect(own.noDelay).toBe(false);
		expect(typeof own.createConnection).toBe("function");
		const dial = async () => net.connect(1, "127.0.0.1");
		expect(withReadSinkDial({ dial })).toEqual({ dial });
		expect(withReadSinkDial({ tls: {} })).toEqual({ tls: {} });
		await using client = createClient({ servers: [address] });
		const v = await client.version();
		expect([...v.versions.values()][0]).toMatch(/^\d+\.\d+/);
	});
});

describe("stray bytes on an idle pooled connection", () => {
	it("destroy that socket; the pool hands out a fresh one", async () => {
		const accepted: net.Socket[] = [];
		const server = net.createServer((s) => {
			accepted.push(s);
			// Unsolicited bytes 30 ms after accept, while the connection sits idle in the pool.
			if (accepted.length === 1) setTimeout(() => s.write("SURPRISE\r\n"), 30);
			s.on("data", () => s.write("VERSION 1.6.18\r\n"));
		});
		await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
		const address = `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
		const pool = new MultiConnectionPool(withReadSinkDial(undefined));
		try {
			pool.register("tcp", address);
			const first = await pool.get("tcp", address);
			const firstSocket = first.socket;
			first.release();
			for (let i = 0; i < 50 && !firstSocket.destroyed; i++)
				await new Promise((r) => setTimeout(r, 10));
			expect(firstSocket.destroyed).toBe(true);
			await using client = new RawAsciiClient({ address, pool });
			const v = await client.version();
			expect(v.versions.get(0)).toBe("1.6.18");
			expect(accepted.length).toBe(2);
		} finally {
			await pool.close();
			for (const s of accepted) s.destroy();
			await new Promise((r) => server.close(r));
		}
	});
});
