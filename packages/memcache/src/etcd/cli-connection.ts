// How `godropbox-ts-shards` connects: endpoints, TLS files and user/password from flags and the
// environment, turned into etcd3 client options. Names follow etcdctl (--cacert, --cert, --user,
// --password, ETCDCTL_*) except the client key: `--key` was already the map's etcd key, so the
// key file is `--key-file` (etcd server's and etcdctl v2's name for it).
import { readFile } from "node:fs/promises";
import { rootCertificates } from "node:tls";
import type { IOptions } from "etcd3";

/** @internal A bad command line: the CLI prints the message and the usage, exit code 2. */
export class CliUsageError extends Error {}

/** @internal The connection flags as `parseArgs` returns them. */
export interface CliConnectionFlags {
	readonly endpoints?: string | undefined;
	readonly cacert?: string | undefined;
	readonly cert?: string | undefined;
	readonly "key-file"?: string | undefined;
	readonly user?: string | undefined;
	readonly password?: string | undefined;
}

/** @internal `parseArgs` option specs of {@link CliConnectionFlags}. */
export const CLI_CONNECTION_OPTIONS = {
	endpoints: { type: "string" },
	cacert: { type: "string" },
	cert: { type: "string" },
	"key-file": { type: "string" },
	user: { type: "string" },
	password: { type: "string" },
} as const;

/** @internal Usage lines of the connection flags. */
export const CLI_CONNECTION_USAGE = `  --endpoints URL,...   etcd client URLs (default: $ETCD_ENDPOINTS, then $ETCDCTL_ENDPOINTS)
  --cacert FILE         CA certificate (PEM) to verify the servers with; turns on TLS:
                        endpoints without a scheme get https:// (default: $ETCDCTL_CACERT)
  --cert FILE           client certificate (PEM) for servers that require one, with --key-file
                        (default: $ETCDCTL_CERT)
  --key-file FILE       private key (PEM) of --cert (default: $ETCDCTL_KEY; etcdctl calls it
                        --key, which here names the map's etcd key)
  --user NAME           etcd user, password from $ETCD_PASSWORD (or $ETCDCTL_PASSWORD)
                        (default: $ETCDCTL_USER)
  --password PASSWORD   discouraged: visible to every user in the process list; use ETCD_PASSWORD
                        (--user NAME:PASSWORD is accepted too, with the same warning)`;

/**
 * @internal Resolves the connection flags (flag, then environment) into etcd3 options; warns
 * on stderr when a password was given on the command line.
 *
 * @throws {@link CliUsageError} on contradicting or incomplete flags and unreadable files
 */
export async function cliConnectionOptions(
	flags: CliConnectionFlags,
	env: Readonly<Record<string, string | undefined>>,
	warn: (line: string) => void,
): Promise<IOptions> {
	const cacert = flags.cacert ?? nonEmpty(env.ETCDCTL_CACERT);
	const cert = flags.cert ?? nonEmpty(env.ETCDCTL_CERT);
	const keyFile = flags["key-file"] ?? nonEmpty(env.ETCDCTL_KEY);
	if ((cert === undefined) !== (keyFile === undefined))
		throw new CliUsageError(
			"--cert and --key-file go together (the client certificate and its private key)",
		);
	const tls = cacert !== undefined || cert !== undefined;
	const endpoints = (
		flags.endpoints ??
		nonEmpty(env.ETCD_ENDPOINTS) ??
		env.ETCDCTL_ENDPOINTS ??
		""
	)
		.split(",")
		.map((s) => s.trim())
		.filter((s) => s !== "")
		.map((e) => {
			if (!tls) return e;
			if (/^http:\/\//i.test(e))
				throw new CliUsageError(
					`endpoint ${e} is plain http but TLS options are set: write https://`,
				);
			return /^https:\/\//i.test(e) ? e : `https://${e}`;
		});
	if (endpoints.length === 0)
		throw new CliUsageError(
			"no etcd endpoints: pass --endpoints or set ETCD_ENDPOINTS",
		);
	const options: IOptions = { hosts: endpoints };
	if (tls) {
		const [ca, chain, key] = await Promise.all([
			cacert === undefined ? undefined : readPem("--cacert", cacert),
			cert === undefined ? undefined : readPem("--cert", cert),
			keyFile === undefined ? undefined : readPem("--key-file", keyFile),
		]);
		options.credentials = {
			// Without --cacert: the CAs Node trusts (etcd3's type wants one, grpc's default is these).
			rootCertificate: ca ?? Buffer.from(rootCertificates.join("\n")),
			...(chain === undefined ? {} : { certChain: chain }),
			...(key === undefined ? {} : { privateKey: key }),
		};
	}
	const auth = resolveAuth(flags, env, warn);
	if (auth !== undefined) options.auth = auth;
	return options;
}

function resolveAuth(
	flags: CliConnectionFlags,
	env: Readonly<Record<string, string | undefined>>,
	warn: (line: string) => void,
): { username: string; password: string } | undefined {
	const user = flags.user ?? nonEmpty(env.ETCDCTL_USER);
	let password: string | undefined;
	let username = user;
	const colon = user?.indexOf(":") ?? -1;
	if (user !== undefined && colon !== -1) {
		username = user.slice(0, colon);
		password = user.slice(colon + 1);
		if (flags.user !== undefined)
			warn(
				"godropbox-ts-shards: warning: the password in --user NAME:PASSWORD is visible in the process list; set ETCD_PASSWORD instead\n",
			);
	}
	if (flags.password !== undefined) {
		if (password !== undefined)
			throw new CliUsageError(
				"--password and --user NAME:PASSWORD both give a password: use one",
			);
		warn(
			"godropbox-ts-shards: warning: --password is visible in the process list; set ETCD_PASSWORD instead\n",
		);
		password = flags.password;
	}
	if (username === undefined) {
		if (flags.password !== undefined)
			throw new CliUsageError("--password needs --user NAME");
		// ETCD_PASSWORD alone is ignored: it only serves a --user.
		return undefined;
	}
	if (username === "") throw new CliUsageError("--user needs a user name");
	password ??= env.ETCD_PASSWORD ?? env.ETCDCTL_PASSWORD;
	if (password === undefined)
		throw new CliUsageError(
			`--user ${username} needs a password: set ETCD_PASSWORD (e.g. read -rs ETCD_PASSWORD && export ETCD_PASSWORD)`,
		);
	return { username, password };
}

async function readPem(flag: string, file: string): Promise<Buffer> {
	let pem: Buffer;
	try {
		pem = await readFile(file);
	} catch (err) {
		throw new CliUsageError(
			`cannot read ${flag} ${file}: ${(err as Error).message}`,
		);
	}
	if (!pem.includes("-----BEGIN "))
		throw new CliUsageError(`${flag} ${file} is not a PEM file`);
	return pem;
}

function nonEmpty(v: string | undefined): string | undefined {
	return v === undefined || v === "" ? undefined : v;
}
