import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MultiConnectionPool } from "../../src/index.js";
import { startServer, type TestServer, waitUntil } from "../helpers/servers.js";

let server: TestServer;
beforeAll(async () => {
	server = await startServer();
});
afterAll(async () => {
	await server.close();
});

/** mulberry32: a small seeded PRNG so a failure can be replayed. */
function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function ourHandles(): number {
	return process
		.getActiveResourcesInfo()
		.filter((x) => x === "TCPSocketWrap" || x === "Timeout").length;
}

describe("leak test", () => {
	it("10^5 borrow/release cycles with random discards and server resets end clean", async () => {
		const TOTAL = 100_000;
		const BORROWERS = 10;
		const deadline = Date.now() + 60_000;
		const random = prng(0x5eed);
		const before = ourHandles();
		const pool = new MultiConnectionPool({
			maxActiveConnections: 8,
			maxIdleConnections: 6,
			idleCheckInterval: 50,
			acquireTimeout: 10_000,
		});
		pool.register("tcp", server.address);
		let done = 0;
		let ioOk = 0;
		let ioFailed = 0;
		let resets = 0;
		const borrower = async (): Promise<void> => {
			while (done < TOTAL) {
				if (Date.now() > deadline) throw new Error("leak test ran out of time");
				done++;
				const conn = await pool.get("tcp", server.address);
				const r = random();
				if (done % 10_000 === 0) {
					server.resetAll();
					resets++;
				}
				if (r < 0.01) {
					// Some real traffic, so resets hit sockets in use too.
					try {
						await conn.write("ping");
						let got = "";
						while (got.length < 4) {
							const chunk = await conn.read({ timeout: 5_000 });
							if (chunk === null) throw new Error("eof");
							got += String(chunk);
						}
						ioOk++;
						conn.release();
					} catch {
						ioFailed++;
						conn.discard();
					}
				} else if (r < 0.03) {
					conn.discard();
				} else {
					if (done % 997 === 0) await new Promise((res) => setImmediate(res));
					conn.release();
				}
			}
		};
		await Promise.all(Array.from({ length: BORROWERS }, borrower));
		const stats = pool.stats();
		expect(done).toBeGreaterThanOrEqual(TOTAL);
		expect(resets).toBeGreaterThanOrEqual(10);
		expect(ioOk).toBeGreaterThan(0);
		expect(stats.active).toBe(0);
		expect(stats.pending).toBe(0);
		expect(stats.idle).toBeLessThanOrEqual(6);
		expect(stats.highWaterMark).toBeLessThanOrEqual(8);
		expect(stats.dials).toBeGreaterThan(100);
		expect(stats.dialFailures).toBe(0);
		await pool.close();
		expect(pool.stats()).toMatchObject({ active: 0, idle: 0, pending: 0 });
		// Every server-side socket sees its client go away.
		await waitUntil(
			() => [...server.sockets].every((s) => s.destroyed),
			10_000,
		);
		await waitUntil(() => ourHandles() <= before, 10_000);
		expect(ioFailed).toBeLessThan(ioOk + 50);
	}, 90_000);
});
