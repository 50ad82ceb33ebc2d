import diagnosticsChannel from "node:diagnostics_channel";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MultiConnectionPool, NET2_CHANNELS } from "../../src/index.js";
import {
	deadAddress,
	startServer,
	type TestServer,
	waitUntil,
} from "../helpers/servers.js";

let server: TestServer;
beforeAll(async () => {
	server = await startServer();
});
afterAll(async () => {
	await server.close();
});

describe("diagnostics_channel", () => {
	it("publishes dial, acquire, release, discard, idle-close, lame-duck, dial-error and close", async () => {
		const seen: { name: string; message: Record<string, unknown> }[] = [];
		const subs = Object.values(NET2_CHANNELS).map((name) => {
			const fn = (message: unknown) =>
				seen.push({ name, message: message as Record<string, unknown> });
			diagnosticsChannel.subscribe(name, fn);
			return () => diagnosticsChannel.unsubscribe(name, fn);
		});
		try {
			const dead = await deadAddress();
			const pool = new MultiConnectionPool();
			pool.register("tcp", server.address);
			pool.register("tcp", dead);
			const a = await pool.get("tcp", server.address);
			a.release();
			const b = await pool.get("tcp", server.address);
			const c = await pool.get("tcp", server.address);
			b.discard();
			c.release();
			server.endAll();
			await waitUntil(() => pool.numIdle() === 0);
			await pool.get("tcp", dead).catch(() => {});
			pool.enterLameDuckMode();
			await pool.close();
			const names = new Set(seen.map((e) => e.name));
			for (const name of Object.values(NET2_CHANNELS))
				expect(names).toContain(name);
			const acquire = seen.filter((e) => e.name === NET2_CHANNELS.acquire);
			expect(acquire.map((e) => e.message.reused)).toEqual([
				false,
				true,
				false,
			]);
			expect(
				seen.find((e) => e.name === NET2_CHANNELS.dial)?.message,
			).toMatchObject({
				network: "tcp",
				address: server.address,
				durationMs: expect.any(Number),
			});
			expect(
				seen.find((e) => e.name === NET2_CHANNELS.dialError)?.message,
			).toMatchObject({ address: dead, error: expect.any(Error) });
			expect(
				seen.find((e) => e.name === NET2_CHANNELS.idleClose)?.message,
			).toMatchObject({ reason: "closed" });
		} finally {
			for (const unsub of subs) unsub();
		}
	});
});
