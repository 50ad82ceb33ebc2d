// instanceof across two loaded copies of the package: two module instances of src, and the
// ESM + CJS builds produced by tsup (both can end up in one process).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it, vi } from "vitest";

type Api = typeof import("../../src/index.js");

const pkgDir = fileURLToPath(new URL("../..", import.meta.url));
const outDir = mkdtempSync(join(tmpdir(), "godropbox-ts-errors-"));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

function checkPair(a: Api, b: Api): void {
	expect(a.DropboxError).not.toBe(b.DropboxError);
	const fromA = a.wrap(new Error("x"), "a");
	const fromB = new b.DropboxError("b", { cause: fromA });
	expect(fromA instanceof b.DropboxError).toBe(true);
	expect(fromB instanceof a.DropboxError).toBe(true);
	expect(b.isDropboxError(fromA)).toBe(true);
	expect(a.getMessage(fromB)).toBe("b\na\nx");
	expect(a.rootDropboxError(fromB)).toBe(fromA);
	expect(b.findCause(fromB, a.DropboxError)).toBe(fromB);
	// A subclass with its own brand is recognised across copies; one without only by prototype.
	const brand = Symbol.for("godropbox-ts.test.DualCopyError");
	const makeBranded = (api: Api) =>
		class DualCopyError extends api.DropboxError {
			static override readonly brand = brand;
		};
	const BrandedA = makeBranded(a);
	const BrandedB = makeBranded(b);
	expect(new BrandedA("x") instanceof BrandedB).toBe(true);
	expect(new a.DropboxError("x") instanceof BrandedB).toBe(false);
	class Unbranded extends b.DropboxError {}
	expect(new BrandedA("x") instanceof Unbranded).toBe(false);
}

describe("instanceof across copies", () => {
	it("holds between two module instances of src", async () => {
		const first = (await import("../../src/index.js")) as Api;
		vi.resetModules();
		const second = (await import("../../src/index.js")) as Api;
		checkPair(first, second);
	});
	it("holds between the ESM and CJS builds", { timeout: 60_000 }, async () => {
		execFileSync(
			join(pkgDir, "../../node_modules/.bin/tsup"),
			[
				"src/index.ts",
				"--format",
				"esm,cjs",
				"--out-dir",
				outDir,
				"--no-config",
				"--target",
				"node20",
			],
			{ cwd: pkgDir, stdio: "pipe", timeout: 50_000 },
		);
		const esm = (await import(
			pathToFileURL(join(outDir, "index.js")).href
		)) as Api;
		const cjs = createRequire(import.meta.url)(
			join(outDir, "index.cjs"),
		) as Api;
		checkPair(esm, cjs);
		function fromBuild() {
			return cjs.newError("built");
		}
		expect(fromBuild().stackFrames()[0]?.functionName).toBe("fromBuild");
	});
});
