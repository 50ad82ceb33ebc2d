import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
/** packages/memcache, the cwd of spawned helpers (so `--import tsx` resolves). */
export const packageDir = join(here, "..", "..");

/** Result of one CLI run. */
export interface CliResult {
	readonly code: number | null;
	readonly stdout: string;
	readonly stderr: string;
}

/**
 * Runs `godropbox-ts-shards` from source in a child process (killed after `timeoutMs`). With
 * `env`, the child gets this process's environment without any `ETCD_*`/`ETCDCTL_*` variable,
 * plus `env`.
 */
export function runCli(
	args: readonly string[],
	timeoutMs = 60_000,
	env?: Readonly<Record<string, string>>,
): Promise<CliResult> {
	const childEnv =
		env === undefined
			? undefined
			: {
					...Object.fromEntries(
						Object.entries(process.env).filter(
							([k]) => !/^ETCD(CTL)?_/.test(k),
						),
					),
					...env,
				};
	return new Promise((resolve, reject) => {
		const child = spawn(
			process.execPath,
			["--import", "tsx", join(here, "shards-cli.ts"), ...args],
			{
				cwd: packageDir,
				stdio: ["ignore", "pipe", "pipe"],
				...(childEnv === undefined ? {} : { env: childEnv }),
			},
		);
		let stdout = "";
		let stderr = "";
		child.stdout.setEncoding("utf8").on("data", (c: string) => {
			stdout += c;
		});
		child.stderr.setEncoding("utf8").on("data", (c: string) => {
			stderr += c;
		});
		const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
		child.once("error", reject);
		child.once("close", (code) => {
			clearTimeout(timer);
			resolve({ code, stdout, stderr });
		});
	});
}

/** Polls `check` every `everyMs` until it returns true; rejects after `timeoutMs`. */
export async function waitFor(
	what: string,
	check: () => boolean | Promise<boolean>,
	timeoutMs = 20_000,
	everyMs = 5,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (await check()) return;
		await new Promise((r) => setTimeout(r, everyMs));
	}
	throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** `p`-th percentile (0..100) of `xs` (nearest rank). */
export function percentile(xs: readonly number[], p: number): number {
	const s = [...xs].sort((a, b) => a - b);
	const i = Math.min(
		s.length - 1,
		Math.max(0, Math.ceil((p / 100) * s.length) - 1),
	);
	return s[i] ?? Number.NaN;
}
