// godropbox-ts-shards' connection flags without a server: flag/environment precedence, the https
// rule, files, and where a password may come from.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	type CliConnectionFlags,
	CliUsageError,
	cliConnectionOptions,
} from "../src/etcd/cli-connection.js";
import { etcdCallError } from "../src/etcd/errors.js";
import {
	EtcdShardMapErrorCode,
	ShardMapAccessDeniedError,
	ShardMapUnavailableError,
} from "../src/etcd/index.js";

const PEM = (tag: string) =>
	`-----BEGIN ${tag}-----\nTUlJ\n-----END ${tag}-----\n`;

describe("godropbox-ts-shards connection options", () => {
	let dir: string;
	let ca: string;
	let cert: string;
	let key: string;
	let notPem: string;
	beforeAll(async () => {
		dir = await mkdtemp(join(tmpdir(), "godropbox-cli-conn-"));
		ca = join(dir, "ca.pem");
		cert = join(dir, "cert.pem");
		key = join(dir, "key.pem");
		notPem = join(dir, "x.txt");
		await Promise.all([
			writeFile(ca, PEM("CERTIFICATE")),
			writeFile(cert, PEM("CERTIFICATE")),
			writeFile(key, PEM("PRIVATE KEY")),
			writeFile(notPem, "hello"),
		]);
	});
	afterAll(async () => {
		await rm(dir, { recursive: true, force: true });
	});

	const resolve = async (
		flags: CliConnectionFlags,
		env: Record<string, string> = {},
	) => {
		const warnings: string[] = [];
		const options = await cliConnectionOptions(flags, env, (l) =>
			warnings.push(l),
		);
		return { options, warnings };
	};

	it("plain: endpoints from the flag, then ETCD_ENDPOINTS, then ETCDCTL_ENDPOINTS; no TLS, no auth", async () => {
		const env = { ETCD_ENDPOINTS: "a:1", ETCDCTL_ENDPOINTS: "b:1" };
		expect((await resolve({ endpoints: "x:1, y:2" }, env)).options).toEqual({
			hosts: ["x:1", "y:2"],
		});
		expect((await resolve({}, env)).options.hosts).toEqual(["a:1"]);
		expect(
			(await resolve({}, { ETCDCTL_ENDPOINTS: "b:1,b:2" })).options.hosts,
		).toEqual(["b:1", "b:2"]);
		await expect(resolve({})).rejects.toThrow(/no etcd endpoints/);
	});

	it("TLS: --cacert adds https:// to bare endpoints, refuses http://, reads the PEM files", async () => {
		const { options } = await resolve({
			endpoints: "10.0.0.1:2379,https://h:2379",
			cacert: ca,
			cert,
			"key-file": key,
		});
		expect(options.hosts).toEqual(["https://10.0.0.1:2379", "https://h:2379"]);
		expect(options.credentials?.rootCertificate.toString()).toBe(
			PEM("CERTIFICATE"),
		);
		expect(options.credentials?.certChain?.toString()).toBe(PEM("CERTIFICATE"));
		expect(options.credentials?.privateKey?.toString()).toBe(
			PEM("PRIVATE KEY"),
		);
		await expect(
			resolve({ endpoints: "http://h:2379", cacert: ca }),
		).rejects.toThrow(/plain http but TLS options are set/);
		await expect(resolve({ endpoints: "h:1", cert })).rejects.toThrow(
			/--cert and --key-file go together/,
		);
		await expect(
			resolve({ endpoints: "h:1", cacert: join(dir, "missing.pem") }),
		).rejects.toThrow(/cannot read --cacert/);
		await expect(resolve({ endpoints: "h:1", cacert: notPem })).rejects.toThrow(
			/is not a PEM file/,
		);
	});

	it("TLS from ETCDCTL_CACERT/CERT/KEY; a client certificate alone trusts Node's CAs", async () => {
		const fromEnv = await resolve(
			{ endpoints: "h:1" },
			{ ETCDCTL_CACERT: ca, ETCDCTL_CERT: cert, ETCDCTL_KEY: key },
		);
		expect(fromEnv.options.hosts).toEqual(["https://h:1"]);
		expect(fromEnv.options.credentials?.privateKey).toBeDefined();
		const noCa = await resolve({ endpoints: "h:1", cert, "key-file": key });
		expect(noCa.options.credentials?.rootCertificate.length).toBeGreaterThan(
			10_000,
		);
	});

	it("password: ETCD_PASSWORD (then ETCDCTL_PASSWORD) silently; --password and --user name:pw with a warning", async () => {
		const base = { endpoints: "h:1" };
		const env = await resolve(
			{ ...base, user: "ops" },
			{ ETCD_PASSWORD: "s3", ETCDCTL_PASSWORD: "other" },
		);
		expect(env.options.auth).toEqual({ username: "ops", password: "s3" });
		expect(env.warnings).toEqual([]);
		const ctl = await resolve(
			{ ...base },
			{ ETCDCTL_USER: "ops:pw:with:colons" },
		);
		expect(ctl.options.auth).toEqual({
			username: "ops",
			password: "pw:with:colons",
		});
		expect(ctl.warnings).toEqual([]); // from the environment: not in ps
		const flag = await resolve({ ...base, user: "ops", password: "p" });
		expect(flag.options.auth).toEqual({ username: "ops", password: "p" });
		expect(flag.warnings.join("")).toContain(
			"--password is visible in the process list",
		);
		const inline = await resolve({ ...base, user: "ops:p" });
		expect(inline.options.auth).toEqual({ username: "ops", password: "p" });
		expect(inline.warnings.join("")).toContain("visible in the process list");
		// ETCD_PASSWORD without a user is not auth.
		expect(
			(await resolve(base, { ETCD_PASSWORD: "s3" })).options.auth,
		).toBeUndefined();
		await expect(resolve({ ...base, user: "ops" })).rejects.toThrow(
			/--user ops needs a password: set ETCD_PASSWORD/,
		);
		await expect(resolve({ ...base, password: "p" })).rejects.toThrow(
			/--password needs --user/,
		);
		await expect(
			resolve({ ...base, user: "ops:p", password: "q" }),
		).rejects.toThrow(CliUsageError);
		await expect(resolve({ ...base, user: ":p" })).rejects.toThrow(
			/needs a user name/,
		);
	});
});

describe("etcdCallError", () => {
	it("tells refusals (TLS, auth) from unavailability by etcd3's errors", () => {
		const tls = etcdCallError(
			"/k",
			2000,
			new Error(
				"14 UNAVAILABLE: No connection established. Last error: Error: unable to verify the first certificate. Resolution note: ",
			),
		);
		expect(tls).toBeInstanceOf(ShardMapAccessDeniedError);
		expect(tls).toMatchObject({
			code: EtcdShardMapErrorCode.AccessDenied,
			reason: "tls",
			detail: "unable to verify the first certificate",
		});
		const auth = etcdCallError(
			"/k",
			2000,
			Object.assign(
				new Error(
					"3 INVALID_ARGUMENT: etcdserver: authentication failed, invalid user ID or password",
				),
				{ name: "EtcdAuthenticationFailedError" },
			),
		);
		expect(auth).toMatchObject({
			reason: "authentication",
			detail: "authentication failed, invalid user ID or password",
		});
		const down = etcdCallError(
			"/k",
			2000,
			new Error(
				"14 UNAVAILABLE: No connection established. Last error: Failed to connect (2026-12-01T07:51:17.368Z). Resolution note: ",
			),
		);
		expect(down).toBeInstanceOf(ShardMapUnavailableError);
		expect(
			etcdCallError("/k", 2000, new Error("timed out after 2500 ms")),
		).toBeInstanceOf(ShardMapUnavailableError);
	});
});
