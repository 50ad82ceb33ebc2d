// TLS and authentication against real single-member etcd 3.4 servers: one with client TLS and
// auth enabled (user root), one that requires client certificates. The godropbox-ts-shards CLI
// (from source, in child processes) succeeds with the right flags and fails with exit code 6 and
// a message naming what to fix without them; EtcdShardManager connects through `etcdOptions`.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
	createTestCertificates,
	type EtcdCluster,
	requireEtcd,
	startEtcdCluster,
	type TestCertificates,
} from "@godropbox-ts/test-utils";
import { Etcd3 } from "etcd3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ShardsCliExit } from "../src/etcd/cli.js";
import {
	EtcdShardManager,
	EtcdShardMapErrorCode,
	readShardMap,
	ShardMapAccessDeniedError,
} from "../src/etcd/index.js";
import { type CliResult, runCli, waitFor } from "./etcd-helpers/run.js";

const ok = requireEtcd({ tls: true });

describe.skipIf(!ok)("etcd over TLS and with authentication", () => {
	/** Client TLS (server certificate only) and auth enabled. */
	let secured: EtcdCluster;
	/** Client TLS that requires a client certificate, no auth. */
	let mutual: EtcdCluster;
	/** A CA (and client certificate) neither server knows. */
	let foreign: TestCertificates;
	let foreignDir: string;
	let admin: Etcd3;
	beforeAll(async () => {
		foreignDir = await mkdtemp(join(tmpdir(), "godropbox-foreign-ca-"));
		[secured, mutual, foreign] = await Promise.all([
			startEtcdCluster({ members: 1, tls: true, auth: true }),
			startEtcdCluster({ members: 1, clientCertAuth: true }),
			createTestCertificates(foreignDir, "foreign-ca"),
		]);
		admin = new Etcd3({
			hosts: [...secured.endpoints],
			credentials: { rootCertificate: tlsOf(secured).ca },
			auth: authOf(secured),
		});
	}, 90_000);
	afterAll(async () => {
		admin?.close();
		await Promise.all([
			secured?.stop(),
			mutual?.stop(),
			foreignDir === undefined
				? undefined
				: rm(foreignDir, { recursive: true, force: true }),
		]);
	}, 60_000);

	const tlsOf = (c: EtcdCluster): TestCertificates => {
		if (c.tls === undefined) throw new Error("TLS cluster expected");
		return c.tls;
	};
	const authOf = (c: EtcdCluster) => {
		if (c.auth === undefined) throw new Error("auth cluster expected");
		return c.auth;
	};
	/** The CLI on `secured` with the right CA; `env` replaces ETCD_* (password not set unless given). */
	const onSecured = (
		key: string,
		args: readonly string[],
		env: Record<string, string> = {},
	): Promise<CliResult> =>
		runCli(
			[
				"--endpoints",
				secured.endpoints.join(","),
				"--key",
				key,
				"--timeout",
				"3000",
				...args,
			],
			60_000,
			env,
		);
	const withRightCa = () => ["--cacert", tlsOf(secured).caFile];
	const password = () => ({ ETCD_PASSWORD: authOf(secured).password });
	const version = async (key: string) =>
		(await readShardMap(admin, key)).map?.version;
	/** `init` as root with the right CA and password; the step must succeed. */
	const initAsRoot = async (key: string, shards: string) =>
		expect(
			(
				await onSecured(
					key,
					[...withRightCa(), "--user", "root", "init", "--shards", shards],
					password(),
				)
			).code,
		).toBe(ShardsCliExit.Ok);

	it("show/init/move succeed with --cacert, --user and ETCD_PASSWORD", async () => {
		const key = "/tls/basic";
		const flags = [...withRightCa(), "--user", "root"];
		const init = await onSecured(
			key,
			[...flags, "init", "--shards", "127.0.0.1:1,127.0.0.1:2"],
			password(),
		);
		expect(init.code).toBe(ShardsCliExit.Ok);
		expect(init.stdout).toMatch(/version 1 {2}revision \d+/);
		expect(init.stderr).not.toContain("godropbox-ts-shards");
		const moved = await onSecured(
			key,
			[...flags, "move", "1", "Down"],
			password(),
		);
		expect(moved.stdout).toBe(
			"version 1 -> 2: shard 1 (127.0.0.1:2): Active -> Down\n",
		);
		expect(moved.code).toBe(ShardsCliExit.Ok);
		const shown = await onSecured(
			key,
			[...flags, "show", "--json"],
			password(),
		);
		expect(shown.code).toBe(ShardsCliExit.Ok);
		expect(JSON.parse(shown.stdout)).toMatchObject({
			key,
			version: 2,
			shards: [
				{ address: "127.0.0.1:1", state: "Active" },
				{ address: "127.0.0.1:2", state: "Down" },
			],
		});
		expect(await version(key)).toBe(2);
	}, 120_000);

	it("fails with exit code 6 and says what to fix: no CA, wrong CA, no user, wrong password", async () => {
		const key = "/tls/denied";
		await initAsRoot(key, "h:1");
		const started = Date.now();
		const [noCa, wrongCa, noUser, wrongPassword, wrongPasswordMove] =
			await Promise.all([
				onSecured(key, ["--user", "root", "show"], password()),
				onSecured(
					key,
					["--cacert", foreign.caFile, "--user", "root", "show"],
					password(),
				),
				onSecured(key, [...withRightCa(), "show"]),
				onSecured(key, [...withRightCa(), "--user", "root", "show"], {
					ETCD_PASSWORD: `${authOf(secured).password}-wrong`,
				}),
				onSecured(
					key,
					[...withRightCa(), "--user", "root", "move", "0", "Down"],
					{
						ETCD_PASSWORD: "nope",
					},
				),
			]);
		const took = Date.now() - started;
		for (const r of [noCa, wrongCa]) {
			expect(r.code).toBe(ShardsCliExit.AccessDenied);
			expect(r.stdout).toBe("");
			expect(r.stderr).toMatch(/TLS handshake with etcd failed: .*certificate/);
			expect(r.stderr).toContain("check --cacert");
		}
		expect(noUser.code).toBe(ShardsCliExit.AccessDenied);
		expect(noUser.stderr).toContain(
			`etcd denied access to ${key}: user name is empty`,
		);
		expect(noUser.stderr).toContain(
			"--user NAME with the password in ETCD_PASSWORD",
		);
		for (const r of [wrongPassword, wrongPasswordMove]) {
			expect(r.code).toBe(ShardsCliExit.AccessDenied);
			expect(r.stderr).toContain("authentication failed");
		}
		// Refusals are immediate, not a wait for the 3 s request deadline (5 runs in parallel).
		expect(took).toBeLessThan(30_000);
		expect(await version(key)).toBe(1);
	}, 120_000);

	it("passwords on the command line work but warn; a missing password is a usage error", async () => {
		const key = "/tls/password-flags";
		const pw = authOf(secured).password;
		const [flag, inline, missing, both, plainHttp] = await Promise.all([
			onSecured(key, [
				...withRightCa(),
				"--user",
				"root",
				"--password",
				pw,
				"init",
				"--shards",
				"h:1",
			]),
			onSecured(key, [...withRightCa(), "--user", `root:${pw}`, "show"]),
			onSecured(key, [...withRightCa(), "--user", "root", "show"]),
			onSecured(key, [
				...withRightCa(),
				"--user",
				`root:${pw}`,
				"--password",
				pw,
				"show",
			]),
			runCli(
				[
					"--endpoints",
					secured.endpoints[0]?.replace("https:", "http:") as string,
					...withRightCa(),
					"show",
				],
				60_000,
				{},
			),
		]);
		expect(flag.code).toBe(ShardsCliExit.Ok);
		expect(flag.stderr).toContain(
			"warning: --password is visible in the process list; set ETCD_PASSWORD instead",
		);
		// `show` ran concurrently with `init`: either it saw the map or none yet.
		expect([ShardsCliExit.Ok, ShardsCliExit.Invalid]).toContain(inline.code);
		expect(inline.stderr).toContain(
			"warning: the password in --user NAME:PASSWORD is visible in the process list",
		);
		expect(missing.code).toBe(ShardsCliExit.Usage);
		expect(missing.stderr).toContain(
			"--user root needs a password: set ETCD_PASSWORD",
		);
		expect(both.code).toBe(ShardsCliExit.Usage);
		expect(plainHttp.code).toBe(ShardsCliExit.Usage);
		expect(plainHttp.stderr).toContain("is plain http but TLS options are set");
		expect(await version(key)).toBe(1);
	}, 120_000);

	it("takes etcdctl's environment: ETCDCTL_ENDPOINTS without a scheme, ETCDCTL_CACERT, ETCDCTL_USER, ETCDCTL_PASSWORD", async () => {
		const key = "/tls/etcdctl-env";
		await initAsRoot(key, "h:1,h:2");
		const r = await runCli(["--key", key, "move", "h:2", "WarmUp"], 60_000, {
			ETCDCTL_ENDPOINTS: (secured.endpoints[0] as string).replace(
				"https://",
				"",
			),
			ETCDCTL_CACERT: tlsOf(secured).caFile,
			ETCDCTL_USER: "root",
			ETCDCTL_PASSWORD: authOf(secured).password,
		});
		expect(r.stderr).not.toContain("godropbox-ts-shards");
		expect(r.code).toBe(ShardsCliExit.Ok);
		expect(r.stdout).toBe("version 1 -> 2: shard 1 (h:2): Active -> WarmUp\n");
	}, 120_000);

	it("client certificates: --cert/--key-file required by the server, checked against its CA", async () => {
		const key = "/mtls/basic";
		const tls = tlsOf(mutual);
		const cli = (...args: string[]) =>
			runCli(
				[
					"--endpoints",
					mutual.endpoints.join(","),
					"--key",
					key,
					"--timeout",
					"3000",
					"--cacert",
					tls.caFile,
					...args,
				],
				60_000,
				{},
			);
		const [noCert, foreignCert, halfPair] = await Promise.all([
			cli("show"),
			cli(
				"--cert",
				foreign.clientCertFile,
				"--key-file",
				foreign.clientKeyFile,
				"show",
			),
			cli("--cert", tls.clientCertFile, "show"),
		]);
		for (const r of [noCert, foreignCert]) {
			expect(r.code).toBe(ShardsCliExit.AccessDenied);
			expect(r.stderr).toMatch(/TLS handshake with etcd failed: .*certificate/);
			expect(r.stderr).toContain("--cert and --key-file");
		}
		expect(halfPair.code).toBe(ShardsCliExit.Usage);
		expect(halfPair.stderr).toContain("--cert and --key-file go together");
		const pair = [
			"--cert",
			tls.clientCertFile,
			"--key-file",
			tls.clientKeyFile,
		];
		const init = await cli(...pair, "init", "--shards", "h:1,h:2");
		expect(init.code).toBe(ShardsCliExit.Ok);
		const moved = await cli(...pair, "move", "0", "WriteOnly");
		expect(moved.code).toBe(ShardsCliExit.Ok);
		const shown = await cli(...pair, "show");
		expect(shown.code).toBe(ShardsCliExit.Ok);
		expect(shown.stdout).toMatch(
			/version 2 .*\n.*\n0 +h:1 +WriteOnly\n1 +h:2 +Active\n$/,
		);
	}, 120_000);

	it("EtcdShardManager connects through etcdOptions (TLS + auth) and fails fast with ShardMapAccessDeniedError", async () => {
		const key = "/tls/manager";
		const tls = tlsOf(secured);
		const auth = authOf(secured);
		await initAsRoot(key, "h:1,h:2");
		const manager = await EtcdShardManager.create({
			endpoints: secured.endpoints,
			key,
			etcdOptions: {
				credentials: { rootCertificate: tls.ca },
				auth: { username: auth.username, password: auth.password },
			},
		});
		try {
			expect(manager.stats.mapVersion).toBe(1);
			expect(manager.stale).toBe(false);
			const moved = await onSecured(
				key,
				[...withRightCa(), "--user", "root", "move", "h:1", "Down"],
				password(),
			);
			expect(moved.code).toBe(0);
			// The watch stream runs over the same TLS + token.
			await waitFor("map v2", () => manager.stats.mapVersion === 2, 20_000);
			expect(manager.getShard("any").shardId).toBeGreaterThanOrEqual(0);
			expect(manager.shardStates().map((s) => s.address)).toEqual([
				"h:1",
				"h:2",
			]);
		} finally {
			await manager.close();
		}

		const attempt = async (etcdOptions: object) => {
			const t = Date.now();
			const err = await EtcdShardManager.create({
				endpoints: secured.endpoints,
				key,
				startTimeoutMs: 20_000,
				etcdOptions,
			}).then(
				async (m) => {
					await m.close();
					return undefined;
				},
				(e: unknown) => e,
			);
			return { err, ms: Date.now() - t };
		};
		const [wrongPassword, wrongCa, wrongCaWithAuth] = await Promise.all([
			attempt({
				credentials: { rootCertificate: tls.ca },
				auth: { username: "root", password: "wrong" },
			}),
			attempt({ credentials: { rootCertificate: foreign.ca } }),
			attempt({ credentials: { rootCertificate: foreign.ca }, auth }),
		]);
		expect(wrongPassword.err).toBeInstanceOf(ShardMapAccessDeniedError);
		expect(wrongPassword.err).toMatchObject({
			code: EtcdShardMapErrorCode.AccessDenied,
			reason: "authentication",
			key,
		});
		expect(wrongCa.err).toBeInstanceOf(ShardMapAccessDeniedError);
		expect(wrongCa.err).toMatchObject({ reason: "tls" });
		expect(wrongCaWithAuth.err).toBeInstanceOf(ShardMapAccessDeniedError);
		expect(wrongCaWithAuth.err).toMatchObject({ reason: "tls" });
		expect(String((wrongCaWithAuth.err as Error).message)).toContain(
			"unable to verify the first certificate",
		);
		// No retrying until startTimeoutMs (20 s): a wrong CA or password does not heal.
		expect(wrongPassword.ms).toBeLessThan(10_000);
		expect(wrongCa.ms).toBeLessThan(10_000);
		expect(wrongCaWithAuth.ms).toBeLessThan(10_000);
	}, 120_000);
});
