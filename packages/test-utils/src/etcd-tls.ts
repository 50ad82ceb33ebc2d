import { execFile, execFileSync } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Throw-away PEM files made by {@link createTestCertificates}, all under `dir`. */
export interface TestCertificates {
	readonly dir: string;
	/** The self-signed CA certificate (what clients trust: `--cacert`). */
	readonly caFile: string;
	/** Server certificate for `IP:127.0.0.1` and `DNS:localhost`, signed by the CA (serverAuth and clientAuth). */
	readonly serverCertFile: string;
	readonly serverKeyFile: string;
	/** Client certificate (CN `godropbox-test-client`, clientAuth), signed by the CA. */
	readonly clientCertFile: string;
	readonly clientKeyFile: string;
	/** The contents of the files above, for in-process clients. */
	readonly ca: Buffer;
	readonly clientCert: Buffer;
	readonly clientKey: Buffer;
}

/** Whether the `openssl` CLI is on PATH (needed by {@link createTestCertificates}). */
export function opensslAvailable(): boolean {
	try {
		execFileSync("openssl", ["version"], { stdio: "ignore" });
		return true;
	} catch {
		return false;
	}
}

/**
 * Makes a throw-away CA and a server and a client certificate signed by it, with the `openssl`
 * CLI, in `dir` (created if needed). P-256 keys, valid for 2 days: test material only.
 *
 * @param name the CA's common name, so two sets are told apart in TLS errors
 */
export async function createTestCertificates(
	dir: string,
	name = "godropbox-test-ca",
): Promise<TestCertificates> {
	await mkdir(dir, { recursive: true });
	const f = (n: string) => join(dir, n);
	const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"];
	await run("openssl", [
		"req",
		"-x509",
		...ec,
		"-nodes",
		"-keyout",
		f("ca.key"),
		"-out",
		f("ca.pem"),
		"-days",
		"2",
		"-subj",
		`/CN=${name}`,
	]);
	const leaf = async (base: string, cn: string, ext: string) => {
		await run("openssl", [
			"req",
			...ec,
			"-nodes",
			"-keyout",
			f(`${base}.key`),
			"-out",
			f(`${base}.csr`),
			"-subj",
			`/CN=${cn}`,
		]);
		await writeFile(f(`${base}.ext`), ext);
		await run("openssl", [
			"x509",
			"-req",
			"-in",
			f(`${base}.csr`),
			"-CA",
			f("ca.pem"),
			"-CAkey",
			f("ca.key"),
			"-CAcreateserial",
			"-out",
			f(`${base}.pem`),
			"-days",
			"2",
			"-extfile",
			f(`${base}.ext`),
		]);
	};
	// Sequential: both leaves update the CA's serial file.
	await leaf(
		"server",
		"127.0.0.1",
		// clientAuth too: etcd's gRPC gateway dials its own member with the server certificate.
		"subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n",
	);
	await leaf(
		"client",
		"godropbox-test-client",
		"extendedKeyUsage=clientAuth\n",
	);
	const [ca, clientCert, clientKey] = await Promise.all([
		readFile(f("ca.pem")),
		readFile(f("client.pem")),
		readFile(f("client.key")),
	]);
	return {
		dir,
		caFile: f("ca.pem"),
		serverCertFile: f("server.pem"),
		serverKeyFile: f("server.key"),
		clientCertFile: f("client.pem"),
		clientKeyFile: f("client.key"),
		ca,
		clientCert,
		clientKey,
	};
}
