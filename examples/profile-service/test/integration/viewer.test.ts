import fs from "node:fs";
import path from "node:path";
import {
	isCI,
	type MemcachedCluster,
	requireServers,
	startMemcached,
} from "@godropbox-ts/test-utils";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningService, startService } from "../../src/app.js";
import { PACKAGE_DIR } from "../../src/options.js";
import { openTestStack, type TestStack } from "../helpers/stack.js";

const CHROMIUM = process.env.CHROMIUM_BIN ?? "/usr/bin/chromium";
const haveChromium = fs.existsSync(CHROMIUM);
if (!haveChromium) {
	const line = `skipping the viewer test: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_BIN)`;
	if (isCI()) throw new Error(`CI=true and ${line}`);
	console.warn(line);
}
const ok = (await requireServers("memcached")) && haveChromium;

describe.skipIf(!ok)("the live viewer in headless Chromium", () => {
	let cluster: MemcachedCluster;
	let t: TestStack;
	let service: RunningService;
	let browser: Browser;

	beforeAll(async () => {
		cluster = await startMemcached({ count: 3, memoryMb: 16 });
		t = await openTestStack(cluster.addresses, 5000);
		service = await startService({
			stack: t.stack,
			viewer: true,
			sampleIntervalMs: 250,
			backgroundRate: 300,
			profiles: 5000,
		});
		browser = await chromium.launch({
			executablePath: CHROMIUM,
			args: [
				"--headless",
				"--no-sandbox",
				"--disable-gpu",
				"--disable-quic",
				"--no-first-run",
				"--disable-background-networking",
				"--disable-component-update",
				"--disable-sync",
			],
		});
	});
	afterAll(async () => {
		await browser?.close();
		await service?.close();
		await t?.close();
		await cluster?.stop();
	});

	it("loads, plots live updates, and shows a shard flipped to WriteOnly in the stats", async () => {
		const page = await browser.newPage({
			viewport: { width: 1280, height: 1000 },
		});
		const errors: string[] = [];
		page.on("pageerror", (e) => errors.push(e.message));
		await page.goto(`${service.url}/`);
		await expect
			.poll(() => page.textContent("#status"), { timeout: 15_000 })
			.toBe("live");

		// Plots: the sample count grows and the hit-rate line gets drawn.
		const samples = async () =>
			Number(await page.getAttribute("#plot-hit", "data-samples"));
		await expect.poll(samples, { timeout: 15_000 }).toBeGreaterThan(2);
		const first = await samples();
		await expect.poll(samples, { timeout: 15_000 }).toBeGreaterThan(first + 2);
		const hitPath = await page.getAttribute("#plot-hit path", "d");
		expect(hitPath).toMatch(/^M[\d.]+,[\d.]+L/);
		expect(await page.getAttribute("#plot-latency path", "d")).toMatch(/^M/);
		await expect
			.poll(async () => (await page.textContent("#card-rps"))?.trim(), {
				timeout: 10_000,
			})
			.not.toBe("0");

		// Three shard rows, all Active.
		const rows = page.locator("#shards tbody tr");
		await expect.poll(() => rows.count()).toBe(3);
		const address = cluster.addresses[2] as string;
		const row = page.locator(`#shards tr[data-shard="${address}"]`);
		expect(await row.locator('[data-testid="state"]').textContent()).toBe(
			"Active",
		);
		const skippedBefore = Number(
			(await row.locator('[data-testid="skipped"]').textContent())?.replace(
				/,/g,
				"",
			),
		);

		// Flip it to WriteOnly from the page: the server's shard manager changes, the stats show it.
		await row.locator("select").selectOption("WriteOnly");
		await expect
			.poll(
				() =>
					page
						.locator(
							`#shards tr[data-shard="${address}"] [data-testid="state"]`,
						)
						.textContent(),
				{ timeout: 10_000 },
			)
			.toBe("WriteOnly");
		expect(t.stack.shards()[2]?.state).toBe("WriteOnly");
		await expect
			.poll(
				async () =>
					Number(
						(
							await page
								.locator(
									`#shards tr[data-shard="${address}"] [data-testid="skipped"]`,
								)
								.textContent()
						)?.replace(/,/g, ""),
					),
				{ timeout: 15_000 },
			)
			.toBeGreaterThan(skippedBefore);

		// Back to Active (the service flushes the shard first), then the page's consistency check.
		await page
			.locator(`#shards tr[data-shard="${address}"] select`)
			.selectOption("Active");
		await expect
			.poll(
				() =>
					page
						.locator(
							`#shards tr[data-shard="${address}"] [data-testid="state"]`,
						)
						.textContent(),
				{ timeout: 10_000 },
			)
			.toBe("Active");
		await page.click("#check");
		await expect
			.poll(() => page.textContent('[data-testid="check-result"]'), {
				timeout: 20_000,
			})
			.toMatch(/^checked 5,000 ids: [\d,]+ cached, stale = 0 ✓$/);
		await row.locator("select").selectOption("WriteOnly");

		if (process.env.UPDATE_SCREENSHOT === "1") {
			await page.waitForTimeout(4000);
			await page.screenshot({
				path: path.join(PACKAGE_DIR, "docs", "viewer.png"),
				fullPage: true,
			});
		}
		expect(errors).toEqual([]);
		await page.close();
	});
});
