import { existsSync } from "node:fs";
import https from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	type EtcdCluster,
	requireEtcd,
	startEtcdCluster,
} from "../src/index.js";

const ok = requireEtcd({ tls: true });

/** A POST to the member's gateway with explicit TLS material; resolves the status or the error. */
function post(
	url: string,
	tls: { ca?: Buffer; cert?: Buffer; key?: Buffer },
	body: unknown,
	token?: string,
): Promise<{ status: number; body: Record<string, unknown> } | Error> {
	return new Promise((resolve) => {
		const req = https.request(
			url,
			{
				method: "POST",
				...tls,
				headers: token === undefined ? {} : { authorization: token },
			},
			(res) => {
				let text = "";
				res.setEncoding("utf8");
				res.on("data", (c: string) => {
					text += c;
				});
				res.on("end", () =>
					resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }),
				);
			},
		);
		req.setTimeout(5000, () => req.destroy(new Error("timeout")));
		req.on("error", (err) => resolve(err));
		req.end(JSON.stringify(body));
	});
}

describe.skipIf(!ok)(
	"startEtcdCluster({ tls, clientCertAuth, auth }) (real etcd)",
	() => {
		let cluster: EtcdCluster;
		let authCluster: EtcdCluster;
		beforeAll(async () => {
			[cluster, authCluster] = await Promise.all([
				startEtcdCluster({ members: 1, clientCertAuth: true }),
				startEtcdCluster({ members: 1, tls: true, auth: true }),
			]);
		}, 60_000);
		afterAll(async () => {
			await Promise.all([cluster?.stop(), authCluster?.stop()]);
		}, 30_000);

		it("serves https with the generated CA and requires a client certificate", async () => {
			const tls = cluster.tls;
			expect(tls).toBeDefined();
			if (tls === undefined) return;
			expect(cluster.endpoints[0]).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
			const url = `${cluster.endpoints[0]}/v3/maintenance/status`;
			const full = { ca: tls.ca, cert: tls.clientCert, key: tls.clientKey };
			const good = await post(url, full, {});
			expect(good).not.toBeInstanceOf(Error);
			expect((good as { status: number }).status).toBe(200);
			// The system trust store does not know the throw-away CA.
			const untrusted = await post(url, {}, {});
			expect(untrusted).toBeInstanceOf(Error);
			expect(String((untrusted as Error).message)).toMatch(
				/self[- ]signed|certificate/i,
			);
			// Without a client certificate the member ends the handshake.
			const noClientCert = await post(url, { ca: tls.ca }, {});
			expect(noClientCert).toBeInstanceOf(Error);
			expect((await cluster.members[0]?.status())?.leaderId).toBeDefined();
		});

		it("has auth enabled for root with the returned password", async () => {
			const tls = authCluster.tls;
			const auth = authCluster.auth;
			if (tls === undefined || auth === undefined)
				throw new Error("tls and auth expected");
			expect(cluster.auth).toBeUndefined();
			expect(auth.username).toBe("root");
			expect(auth.password.length).toBeGreaterThanOrEqual(12);
			const full = { ca: tls.ca };
			const ep = authCluster.endpoints[0] as string;
			const range = { key: Buffer.from("k").toString("base64") };
			const anonymous = await post(`${ep}/v3/kv/range`, full, range);
			expect(anonymous).toMatchObject({ status: 400 });
			expect(JSON.stringify(anonymous)).toContain("user name is empty");
			const wrong = await post(`${ep}/v3/auth/authenticate`, full, {
				name: "root",
				password: `${auth.password}x`,
			});
			expect(JSON.stringify(wrong)).toContain("authentication failed");
			const login = await post(`${ep}/v3/auth/authenticate`, full, {
				name: "root",
				password: auth.password,
			});
			const token = (login as { body: { token?: string } }).body.token;
			expect(typeof token).toBe("string");
			const authed = await post(`${ep}/v3/kv/range`, full, range, token);
			expect(authed).toMatchObject({ status: 200 });
			// status() (and so leader()/waitHealthy()) still work with auth on.
			expect(await authCluster.leader(5000)).toBe(authCluster.members[0]);
		});

		it("rejects clientCertAuth together with auth", async () => {
			await expect(
				startEtcdCluster({ members: 1, clientCertAuth: true, auth: true }),
			).rejects.toThrow(/not supported/);
		});

		it("keeps the certificates under dataRoot and removes them on stop()", async () => {
			const c = await startEtcdCluster({ members: 1, tls: true });
			const tls = c.tls;
			expect(tls?.dir.startsWith(c.dataRoot)).toBe(true);
			expect(existsSync(tls?.caFile as string)).toBe(true);
			// tls without clientCertAuth: the CA alone is enough.
			const res = await post(
				`${c.endpoints[0]}/v3/maintenance/status`,
				{ ca: tls?.ca as Buffer },
				{},
			);
			expect(res).toMatchObject({ status: 200 });
			await c.stop();
			expect(existsSync(tls?.caFile as string)).toBe(false);
		}, 60_000);
	},
);
