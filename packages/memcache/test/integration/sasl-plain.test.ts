// SASL PLAIN on the binary protocol against memcached -S (Debian's 1.6.18 is built with Cyrus
// SASL). The user database is made with saslpasswd2 (package sasl2-bin) in a temp dir.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { MultiConnectionPool } from "@godropbox-ts/net2";
import {
	isCI,
	type MemcachedCluster,
	requireServers,
	startMemcached,
} from "@godropbox-ts/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RawBinaryClient, ResponseStatus } from "../../src/index.js";
import {
	encodeSaslPlainAuth,
	saslPlainDial,
} from "../../src/sasl-plain-dial.js";

const ok = await requireServers("memcached");
let saslpasswd2: string | undefined;
for (const p of ["/usr/sbin/saslpasswd2", "/usr/bin/saslpasswd2"])
	if (fs.existsSync(p)) saslpasswd2 = p;
if (ok && saslpasswd2 === undefined && isCI())
	throw new Error(
		"CI=true and saslpasswd2 is missing: apt-get install -y sasl2-bin",
	);
if (ok && saslpasswd2 === undefined)
	console.warn(
		"skip: SASL tests need saslpasswd2 (apt-get install -y sasl2-bin)",
	);

describe("SASL PLAIN frame", () => {
	it("is a binary SASL_AUTH request: key PLAIN, value NUL user NUL password", () => {
		expect(encodeSaslPlainAuth("al", "pw").toString("hex")).toBe(
			"8021000500000000" +
				"0000000b" +
				"5341534c" +
				"0000000000000000" +
				Buffer.from("PLAIN\0al\0pw").toString("hex"),
		);
		expect(() => saslPlainDial({ username: "a\0b", password: "x" })).toThrow(
			/NUL/,
		);
		expect(() =>
			saslPlainDial({ username: "a", password: 5 as unknown as string }),
		).toThrow(/strings/);
	});
});

describe.skipIf(!ok || saslpasswd2 === undefined)(
	"SASL PLAIN against memcached -S",
	() => {
		let dir: string;
		let cluster: MemcachedCluster;
		let address: string;
		const pools: MultiConnectionPool[] = [];
		const pool = (username: string, password: string) => {
			const p = new MultiConnectionPool({
				dial: saslPlainDial({ username, password }),
				connectTimeout: 3000,
			});
			p.register("tcp", address);
			pools.push(p);
			return p;
		};

		beforeAll(async () => {
			dir = fs.mkdtempSync(path.join(os.tmpdir(), "memcache-sasl-"));
			fs.writeFileSync(
				path.join(dir, "memcached.conf"),
				`mech_list: plain\nsasldb_path: ${path.join(dir, "sasldb2")}\n`,
			);
			execFileSync(
				saslpasswd2 as string,
				[
					"-p",
					"-a",
					"memcached",
					"-f",
					path.join(dir, "sasldb2"),
					"-c",
					"alice",
				],
				{ input: "s3cret" },
			);
			// memcached reads SASL_CONF_PATH from its environment (inherited from ours).
			const before = process.env.SASL_CONF_PATH;
			process.env.SASL_CONF_PATH = dir;
			try {
				cluster = await startMemcached({ args: ["-S"] });
			} finally {
				if (before === undefined) delete process.env.SASL_CONF_PATH;
				else process.env.SASL_CONF_PATH = before;
			}
			address = cluster.addresses[0] as string;
		});
		afterAll(async () => {
			await Promise.all(pools.map((p) => p.close()));
			await cluster?.stop();
			if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
		});

		it("authenticated connections serve every request", async () => {
			const c = new RawBinaryClient({
				address,
				pool: pool("alice", "s3cret"),
				timeout: 3000,
			});
			try {
				expect(
					(await c.set({ key: "k", value: Buffer.from("v") })).status,
				).toBe(0);
				expect((await c.get("k")).value?.toString()).toBe("v");
				const keys = Array.from({ length: 50 }, (_, i) => `k${i}`);
				await c.setMulti(keys.map((key) => ({ key, value: Buffer.from(key) })));
				const m = await c.getMulti(keys);
				for (const k of keys) expect(m.get(k)?.value?.toString()).toBe(k);
				expect((await c.increment("n", 1n, 5n, 0)).count).toBe(5n);
			} finally {
				await c.close();
			}
		});

		it("a wrong password fails the dial with a ConnectionError that names the user, not the password", async () => {
			const c = new RawBinaryClient({
				address,
				pool: pool("alice", "wrong-password"),
				timeout: 3000,
			});
			try {
				const r = await c.get("k");
				expect(r.error?.code).toBe("ERR_MEMCACHE_CONNECTION");
				const text = `${r.error?.message} ${String((r.error as Error & { cause?: unknown })?.cause)}`;
				expect(text).toMatch(/SASL PLAIN authentication of user "alice"/);
				expect(text).not.toMatch(/wrong-password/);
			} finally {
				await c.destroy();
			}
		});

		it("without SASL the server refuses commands (status 0x20)", async () => {
			const c = new RawBinaryClient({ address, timeout: 3000 });
			try {
				const r = await c.get("k");
				// memcached answers 0x20 ("authentication error" in its protocol_binary.h), not
				// godropbox's 0x08 (ResponseStatus.AuthenticationError, from an older draft).
				expect(r.status).toBe(0x20);
				expect(r.status).toBe(ResponseStatus.SaslAuthenticationError);
				expect(r.error?.message).toContain("Authentication error");
				expect(r.status).not.toBe(ResponseStatus.AuthenticationError);
				expect(r.error?.code).toBe("ERR_MEMCACHE_STATUS");
			} finally {
				await c.destroy();
			}
		});
	},
);
