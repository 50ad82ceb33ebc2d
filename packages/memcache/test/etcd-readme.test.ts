// The README's "Shard maps from etcd" section: every error code of the etcd subpath is listed,
// and its example runs as written against a real etcd and memcached.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
	requireEtcd,
	requireServers,
	startEtcdCluster,
	startMemcached,
} from "@godropbox-ts/test-utils";
import { Etcd3 } from "etcd3";
import { describe, expect, it } from "vitest";
import { EtcdShardMapErrorCode, writeShardMap } from "../src/etcd/index.js";
import { RawBinaryClient } from "../src/index.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const readme = fs.readFileSync(path.resolve(here, "../README.md"), "utf8");
const section = readme.slice(readme.indexOf("## Shard maps from etcd"));

describe("README, Shard maps from etcd", () => {
	it.each(Object.values(EtcdShardMapErrorCode))("documents %s", (code) => {
		expect(section).toContain(`\`${code}\``);
	});

	const ok = requireEtcd();
	it.skipIf(!ok)(
		"runs the example as written",
		async () => {
			expect(await requireServers("memcached")).toBe(true);
			const code = /<!-- etcd-example:start -->\s*```ts\n([\s\S]*?)```/.exec(
				section,
			)?.[1];
			expect(code).toBeDefined();
			const [etcd, memcached] = await Promise.all([
				startEtcdCluster({ members: 1 }),
				startMemcached(),
			]);
			const admin = new Etcd3({ hosts: [...etcd.endpoints] });
			const file = path.resolve(
				here,
				`etcd-readme.generated.${process.pid}.ts`,
			);
			try {
				await writeShardMap(
					admin,
					"/godropbox-ts/memcache/shard-map",
					() => [
						{ address: memcached.addresses[0] as string, state: "Active" },
					],
					{ createOnly: true },
				);
				const lines = (code as string)
					.replaceAll(
						`"http://127.0.0.1:2379"`,
						JSON.stringify(etcd.endpoints[0]),
					)
					.split("\n");
				const imports = lines
					.filter((l) => l.startsWith("import "))
					.map((l) =>
						l
							.replace(
								`"@godropbox-ts/memcache/etcd"`,
								`"../src/etcd/index.js"`,
							)
							.replace(`"@godropbox-ts/memcache"`, `"../src/index.js"`),
					);
				const body = lines.filter((l) => !l.startsWith("import ")).join("\n");
				fs.writeFileSync(
					file,
					`${imports.join("\n")}\nexport async function run(console: { log: (...a: unknown[]) => void }) {\n${body}\n}\n`,
				);
				const mod = (await import(file)) as {
					run: (c: { log: (...a: unknown[]) => void }) => Promise<void>;
				};
				const logs: unknown[][] = [];
				await mod.run({ log: (...a) => logs.push(a) });
				expect(logs).toEqual([[1, false]]);
				const raw = new RawBinaryClient({
					address: memcached.addresses[0] as string,
				});
				try {
					expect((await raw.get("user:42")).value?.toString()).toBe("hi");
				} finally {
					await raw.close();
				}
			} finally {
				fs.rmSync(file, { force: true });
				admin.close();
				await Promise.all([etcd.stop(), memcached.stop()]);
			}
		},
		90_000,
	);
});
