/**
 * errors benchmark: creating a wrapped error (inner + wrapper), ours beside plain
 * `new Error(msg, { cause })`, pony-cause and verror, in one process, interleaved rounds
 * (test-utils runScenario). Run: `npx tsx bench/run.ts` (env BENCH_TIME_MS, BENCH_ROUNDS tune it;
 * default ≈ 30 s). Variants, as ioredis' errorStack benchmark does: without reading `.stack`
 * (V8 captures frames but formats nothing) and with `.stack` read (formatting paid).
 */
import { createRequire } from "node:module";
import {
	type BenchRow,
	benchMarkdown,
	runScenario,
	writeBenchReport,
} from "@godropbox-ts/test-utils";
import { DropboxError, getMessage, wrap } from "../src/index.js";

const require = createRequire(import.meta.url);
const { ErrorWithCause, messageWithCauses } = require("pony-cause") as {
	ErrorWithCause: new (message: string, options?: { cause?: unknown }) => Error;
	messageWithCauses: (err: unknown) => string;
};
const { VError } = require("verror") as {
	VError: new (cause: Error | string, message?: string) => Error;
};

let sink: unknown;
const results: { title: string; rows: BenchRow[] }[] = [];

async function scenario(
	title: string,
	ours: () => unknown,
	peers: { name: string; fn: () => unknown }[],
): Promise<void> {
	const rows = await runScenario({
		title,
		ours: { name: "@godropbox-ts/errors", fn: ours },
		peers,
	});
	results.push({ title, rows });
}

await scenario("create inner + wrapper (stack not read)", () => {
	sink = wrap(new DropboxError("inner"), "outer");
}, [
	{
		name: "plain Error + cause",
		fn: () => {
			sink = new Error("outer", { cause: new Error("inner") });
		},
	},
	{
		name: "pony-cause ErrorWithCause",
		fn: () => {
			sink = new ErrorWithCause("outer", {
				cause: new ErrorWithCause("inner"),
			});
		},
	},
	{
		name: "verror VError",
		fn: () => {
			sink = new VError(new VError("inner"), "outer");
		},
	},
]);

await scenario("create inner + wrapper, read both .stack", () => {
	const inner = new DropboxError("inner");
	const outer = wrap(inner, "outer");
	sink = (outer.stack?.length ?? 0) + (inner.stack?.length ?? 0);
}, [
	{
		name: "plain Error + cause",
		fn: () => {
			const inner = new Error("inner");
			const outer = new Error("outer", { cause: inner });
			sink = (outer.stack?.length ?? 0) + (inner.stack?.length ?? 0);
		},
	},
	{
		name: "pony-cause ErrorWithCause",
		fn: () => {
			const inner = new ErrorWithCause("inner");
			const outer = new ErrorWithCause("outer", { cause: inner });
			sink = (outer.stack?.length ?? 0) + (inner.stack?.length ?? 0);
		},
	},
	{
		name: "verror VError",
		fn: () => {
			const inner = new VError("inner");
			const outer = new VError(inner, "outer");
			sink = (outer.stack?.length ?? 0) + (inner.stack?.length ?? 0);
		},
	},
]);

const chain = wrap(wrap(new Error("inner"), "middle"), "outer");
const ponyChain = new ErrorWithCause("outer", {
	cause: new ErrorWithCause("middle", { cause: new Error("inner") }),
});
await scenario("chain message of 3 errors (getMessage vs messageWithCauses)", () => {
	sink = getMessage(chain);
}, [
	{
		name: "pony-cause messageWithCauses",
		fn: () => {
			sink = messageWithCauses(ponyChain);
		},
	},
]);

if (sink === Symbol.for("never")) console.log("unreachable");
const markdown = benchMarkdown(
	`@godropbox-ts/errors (Node ${process.version}, ${process.arch})`,
	results,
);
console.log(`\n${markdown}`);
writeBenchReport(markdown);
