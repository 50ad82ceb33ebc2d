// TLS for every protocol: memcached 1.6.18 started with -Z and a self-signed certificate made
// by openssl in a temp dir; the clients borrow tls.connect sockets from a net2 pool (`tls`).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { MultiConnectionPool } from "@godropbox-ts/net2";
import {
	type MemcachedCluster,
	memcachedBinary,
	requireServers,
	startMemcached,
} from "@godropbox-ts/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	type Client,
	createClient,
	RawAsciiClient,
	RawBinaryClient,
	ResponseStatus,
} from "../../src/index.js";
import { RawMetaClient } from "../../src/raw-meta-client.js";

const ok = await requireServers("memcached");
const bin = memcachedBinary();
const hasTls =
	bin !== undefined &&
	execFileSync(bin, ["-h"], { encoding: "utf8" }).includes("--enable-ssl");
let hasOpenssl = true;
try {
	execFileSync("openssl", ["version"], { stdio: "ignore" });
} catch {
	hasOpenssl = false;
}
if (ok && (!hasTls || !hasOpenssl))
	console.log(
		"skip: TLS tests need memcached built with TLS (-Z) and the openssl CLI",
	);

describe.skipIf(!ok || !hasTls || !hasOpenssl)(
	"TLS (memcached -Z) through a net2 pool",
	() => {
		let dir: string;
		let cluster: MemcachedCluster;
		let address: string;
		let pool: MultiConnectionPool;
		let ca: string;
		const pools: MultiConnectionPool[] = [];
		/**
		 * One pool per protocol: memcached fixes a connection's protocol at its first byte (0x80 =
		 * binary), so a socket a text/meta client returned to a pool cannot serve a binary client.
		 */
		const tlsPool = (): MultiConnectionPool => {
			const p = new MultiConnectionPool({ tls: { ca }, connectTimeout: 5000 });
			p.register("tcp", address);
			pools.push(p);
			return p;
		};

		beforeAll(async () => {
			dir = fs.mkdtempSync(path.join(os.tmpdir(), "memcache-tls-"));
			const cert = path.join(dir, "cert.pem");
			const key = path.join(dir, "key.pem");
			execFileSync(
				"openssl",
				[
					"req",
					"-x509",
					"-newkey",
					"ec",
					"-pkeyopt",
					"ec_paramgen_curve:prime256v1",
					"-nodes",
					"-keyout",
					key,
					"-out",
					cert,
					"-days",
					"1",
					"-subj",
					"/CN=localhost",
					"-addext",
					"subjectAltName=IP:127.0.0.1,DNS:localhost",
				],
				{ stdio: "ignore" },
			);
			ca = fs.readFileSync(cert, "utf8");
			cluster = await startMemcached({
				args: ["-Z", "-o", `ssl_chain_cert=${cert},ssl_key=${key}`],
			});
			address = cluster.addresses[0] as string;
			pool = tlsPool();
		});
		afterAll(async () => {
			await Promise.all(pools.map((p) => p.close()));
			await cluster?.stop();
			if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
		});

		const exercise = async (c: Client, tag: string): Promise<void> => {
			const value = Buffer.alloc(100_000, tag.charCodeAt(0));
			expect((await c.set({ key: `tls:${tag}`, value, flags: 3 })).status).toBe(
				0,
			);
			const g = await c.get(`tls:${tag}`);
			expect(g.value?.equals(value)).toBe(true);
			expect(g.flags).toBe(3);
			const keys = Array.from({ length: 50 }, (_, i) => `tls:${tag}:${i}`);
			await c.setMulti(keys.map((key) => ({ key, value: Buffer.from(key) })));
			const m = await c.getMulti(keys);
			for (const k of keys) expect(m.get(k)?.value?.toString()).toBe(k);
			expect((await c.delete(`tls:${tag}`)).status).toBe(0);
			expect((await c.version()).status).toBe(0);
		};

		it("the meta client works over TLS, including leases", async () => {
			const c = new RawMetaClient({ address, pool, timeout: 5000 });
			try {
				await exercise(c, "meta");
				const w = await c.metaGet("tls:lease", { vivify: 30 });
				expect(w.win).toBe(true);
				expect((await c.metaGet("tls:lease", { vivify: 30 })).otherWinner).toBe(
					true,
				);
			} finally {
				await c.close();
			}
			// The sockets were TLS sockets.
			const conn = await pool.get("tcp", address);
			expect((conn.socket as import("node:tls").TLSSocket).encrypted).toBe(
				true,
			);
			conn.release();
		});

		it("the binary and ascii raw clients work over TLS (a pool each)", async () => {
			for (const [tag, c] of [
				[
					"binary",
					new RawBinaryClient({ address, pool: tlsPool(), timeout: 5000 }),
				],
				[
					"ascii",
					new RawAsciiClient({ address, pool: tlsPool(), timeout: 5000 }),
				],
			] as const) {
				try {
					await exercise(c, tag);
				} finally {
					await c.close();
				}
			}
		});

		it("the sharded client (createClient) works over TLS for binary and ascii", async () => {
			for (const protocol of ["binary", "ascii"] as const) {
				const c = createClient({
					servers: [address],
					pool: tlsPool(),
					protocol,
					timeout: 5000,
				});
				try {
					await exercise(c, `sharded-${protocol}`);
				} finally {
					await c.close();
				}
			}
		});

		it("a pool shared across protocols breaks: memcached keeps a connection's first protocol", async () => {
			// `pool` holds idle sockets the meta client spoke text on.
			// A text-mode connection either waits for a newline the binary frame may not contain
			// (timeout) or rejects the frame and closes.
			const c = new RawBinaryClient({ address, pool, timeout: 1000 });
			try {
				const r = await c.get("tls:meta");
				expect(["ERR_MEMCACHE_CONNECTION", "ERR_MEMCACHE_TIMEOUT"]).toContain(
					r.error?.code,
				);
			} finally {
				await c.destroy();
			}
		});

		it("a plain-TCP client and a TLS client with the wrong CA both fail with typed errors", async () => {
			const plain = new RawMetaClient({
				address,
				timeout: 2000,
				connectTimeout: 2000,
			});
			const r = await plain.get("tls:x");
			expect(r.status).toBe(ResponseStatus.ClientError);
			expect(["ERR_MEMCACHE_CONNECTION", "ERR_MEMCACHE_TIMEOUT"]).toContain(
				r.error?.code,
			);
			await plain.destroy();
			const wrongPool = new MultiConnectionPool({
				tls: {},
				connectTimeout: 2000,
				acquireTimeout: 2000,
			});
			wrongPool.register("tcp", address);
			const wrong = new RawMetaClient({
				address,
				pool: wrongPool,
				timeout: 2000,
			});
			try {
				const w = await wrong.get("tls:x");
				expect(w.error?.code).toBe("ERR_MEMCACHE_CONNECTION");
				expect(String(w.error?.message)).toMatch(/certificate|self[- ]signed/i);
			} finally {
				await wrong.destroy();
				await wrongPool.close();
			}
		});
	},
);
