/**
 * The demo's entry point (`pnpm demo`, `pnpm start`, `tsx src/main.ts`): composes the stack,
 * seeds the database on first run, starts the HTTP API, then either runs the bounded load run
 * and prints the summary (default) or keeps serving with the live viewer (`--serve`).
 */
import { run } from "./run.js";

process.exitCode = await run(process.argv.slice(2), process.env);
