import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PACKAGE_DIR } from "../../src/options.js";

const readme = fs.readFileSync(path.join(PACKAGE_DIR, "README.md"), "utf8");
const errorsSource = fs.readFileSync(
	path.join(PACKAGE_DIR, "src", "errors.ts"),
	"utf8",
);

describe("README", () => {
	it("lists every error code the service defines", () => {
		const codes = [
			...new Set(errorsSource.match(/ERR_PROFILE_SERVICE_[A-Z_]+/g) ?? []),
		];
		expect(codes.length).toBeGreaterThan(5);
		for (const code of codes) expect(readme, code).toContain(code);
	});

	it("shows a real summary that ends with stale = 0, and the viewer screenshot exists", () => {
		expect(readme).toContain("profile-service load run summary");
		expect(readme).toMatch(
			/consistency {2}checked 100,000 ids: [\d,]+ cached, stale = 0/,
		);
		expect(readme).toContain("](docs/viewer.png)");
		expect(
			fs.statSync(path.join(PACKAGE_DIR, "docs", "viewer.png")).size,
		).toBeGreaterThan(10_000);
	});

	it("documents every command-line flag", () => {
		for (const flag of [
			"--serve",
			"--duration",
			"--port",
			"--host",
			"--concurrency",
			"--profiles",
			"--zipf",
			"--background-rate",
			"--data-dir",
		])
			expect(readme, flag).toContain(`\`${flag}`);
	});
});
