import fs from "node:fs";
import type net from "node:net";
import tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MultiConnectionPool, Net2ErrorCode } from "../../src/index.js";

const fixtures = new URL("../fixtures/", import.meta.url);
const cert = fs.readFileSync(new URL("cert.pem", fixtures));
const key = fs.readFileSync(new URL("key.pem", fixtures));

let server: tls.Server;
let address: string;
const sockets = new Set<net.Socket>();
beforeAll(async () => {
	server = tls.createServer({ cert, key }, (s) => {
		sockets.add(s);
		s.on("close", () => sockets.delete(s));
		s.on("data", (d) => s.write(d));
		s.on("error", () => {});
	});
	await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
	address = `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
});
afterAll(async () => {
	for (const s of sockets) s.destroy();
	await new Promise((r) => server.close(r));
});

describe("TLS", () => {
	it("dials with tls.connect options and reuses the TLS socket", async () => {
		await using pool = new MultiConnectionPool({ tls: { ca: cert } });
		pool.register("tcp", address);
		const c = await pool.get("tcp", address);
		expect(c.socket).toBeInstanceOf(tls.TLSSocket);
		expect((c.socket as tls.TLSSocket).authorized).toBe(true);
		await c.write("secret");
		expect(String(await c.read({ timeout: 2_000 }))).toBe("secret");
		c.release();
		const again = await pool.get("tcp", address);
		expect(again.socket).toBe(c.socket);
		again.release();
	});

	it("a failed handshake is a typed dial error", async () => {
		await using pool = new MultiConnectionPool({ tls: {} });
		pool.register("tcp", address);
		const err = await pool.get("tcp", address).catch((e: unknown) => e);
		expect(err).toMatchObject({ code: Net2ErrorCode.DialFailed });
		expect((err as Error).cause).toBeInstanceOf(Error);
	});
});
