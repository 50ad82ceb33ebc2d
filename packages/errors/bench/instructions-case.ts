/**
 * One contender of bench/count-instructions.sh: creates `warm-up + N` inner+wrapper pairs
 * inside an async function after an `await` (the shape of bench/run.ts). Usage (bundled by the
 * script): `node case.mjs <contender> <N>`.
 */
import { DropboxError, wrap } from "../src/index.js";

// An explicit constructor with (message, options), as DropboxError has.
class SubclassError extends Error {
	constructor(message: string, options?: { cause?: unknown }) {
		super(message, options);
	}
}

let sink: unknown;
const contenders: Record<string, () => void> = {
	plain: () => {
		sink = new Error("outer", { cause: new Error("inner") });
	},
	subclass: () => {
		sink = new SubclassError("outer", { cause: new SubclassError("inner") });
	},
	dropboxError: () => {
		sink = new DropboxError("outer", { cause: new DropboxError("inner") });
	},
	wrap: () => {
		sink = wrap(new DropboxError("inner"), "outer");
	},
};
const fn = contenders[process.argv[2] ?? ""];
const n = Number(process.argv[3] ?? 0);
if (fn === undefined || !Number.isInteger(n)) {
	throw new Error(`usage: case.mjs <${Object.keys(contenders).join("|")}> <N>`);
}
async function main(run: () => void): Promise<void> {
	await null;
	for (let i = 0; i < 20_000; i++) run();
	for (let i = 0; i < n; i++) run();
}
await main(fn);
if (sink === Symbol.for("never")) console.log("unreachable");
