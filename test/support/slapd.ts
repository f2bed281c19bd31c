/**
 * A throwaway OpenLDAP server for integration tests: temp folder, slapd.conf, slapadd of the
 * fixtures, slapd on free loopback ports (ldap:// and ldaps://), optional test CA + server cert.
 */
import { freePort } from "../../scripts/lib/local-stack.js";
/** Re-exported: the suites that use slapd also need free ports. */
export { freePort } from "../../scripts/lib/local-stack.js";
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile, mkdir, copyFile } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface SlapdOptions {
  /** Path to slapd (from requireBinaryOrSkip). */
  slapdPath: string;
  suffix: string;
  rootDn: string;
  rootPassword: string;
  /** LDIF files loaded with slapadd, in order. */
  ldifFiles: string[];
  /** Extra schema files (included after core, cosine, inetorgperson). */
  schemaFiles: string[];
  /** Generate a test CA + server certificate and enable ldaps:// and StartTLS. */
  tls?: boolean;
}

export interface Slapd {
  /** ldap://127.0.0.1:PORT */
  url: string;
  /** ldaps://127.0.0.1:PORT (only with tls) */
  ldapsUrl: string;
  /** PEM of the test CA (only with tls) */
  caPem: string;
  dir: string;
  /** Kills slapd, keeps the database (for restart()). */
  kill(): Promise<void>;
  /** Starts slapd again on the same ports. */
  restart(): Promise<void>;
  /** Kills slapd and removes the temp folder. */
  stop(): Promise<void>;
}

async function generateCertificates(dir: string): Promise<void> {
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  await run("openssl", [
    "req",
    "-x509",
    ...ec,
    "-days",
    "2",
    "-subj",
    "/CN=Test LDAP CA",
    "-keyout",
    join(dir, "ca.key"),
    "-out",
    join(dir, "ca.pem"),
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ]);
  await run("openssl", [
    "req",
    "-new",
    ...ec,
    "-subj",
    "/CN=localhost",
    "-keyout",
    join(dir, "server.key"),
    "-out",
    join(dir, "server.csr"),
  ]);
  await writeFile(
    join(dir, "server.ext"),
    [
      "basicConstraints=CA:FALSE",
      "keyUsage=critical,digitalSignature,keyEncipherment",
      "extendedKeyUsage=serverAuth",
      "subjectAltName=DNS:localhost,IP:127.0.0.1",
    ].join("\n"),
  );
  await run("openssl", [
    "x509",
    "-req",
    "-in",
    join(dir, "server.csr"),
    "-CA",
    join(dir, "ca.pem"),
    "-CAkey",
    join(dir, "ca.key"),
    "-CAcreateserial",
    "-days",
    "2",
    "-extfile",
    join(dir, "server.ext"),
    "-out",
    join(dir, "server.pem"),
  ]);
}

function waitUntilListening(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve();
      });
      socket.once("error", () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`slapd did not listen on ${port} within ${timeoutMs} ms`));
        else setTimeout(attempt, 25);
      });
    };
    attempt();
  });
}

export async function startSlapd(options: SlapdOptions): Promise<Slapd> {
  const dir = await mkdtemp(join(tmpdir(), "slapd-test-"));
  const dbDir = join(dir, "db");
  await mkdir(dbDir);
  const includes = ["/etc/ldap/schema/core.schema", "/etc/ldap/schema/cosine.schema", "/etc/ldap/schema/inetorgperson.schema"];
  for (const [i, file] of options.schemaFiles.entries()) {
    const copy = join(dir, `custom-${i}.schema`);
    await copyFile(file, copy);
    includes.push(copy);
  }
  if (options.tls) await generateCertificates(dir);

  const conf = [
    ...includes.map((file) => `include ${file}`),
    `pidfile ${join(dir, "slapd.pid")}`,
    `argsfile ${join(dir, "slapd.args")}`,
    "modulepath /usr/lib/ldap",
    "moduleload back_mdb",
    ...(options.tls
      ? [
          `TLSCACertificateFile ${join(dir, "ca.pem")}`,
          `TLSCertificateFile ${join(dir, "server.pem")}`,
          `TLSCertificateKeyFile ${join(dir, "server.key")}`,
        ]
      : []),
    "database mdb",
    "maxsize 33554432",
    `suffix "${options.suffix}"`,
    `rootdn "${options.rootDn}"`,
    `rootpw ${options.rootPassword}`,
    `directory ${dbDir}`,
    "index objectClass eq",
    "index sAMAccountName,userPrincipalName eq",
    // Like AD: anonymous users can bind but not search.
    "access to attrs=userPassword by self write by anonymous auth by * none",
    "access to * by users read by * none",
    "",
  ].join("\n");
  const confPath = join(dir, "slapd.conf");
  await writeFile(confPath, conf);

  const ldif = (await Promise.all(options.ldifFiles.map((file) => readFile(file, "utf8")))).join("\n\n");
  const ldifPath = join(dir, "data.ldif");
  await writeFile(ldifPath, ldif);
  const slapadd = options.slapdPath.replace(/slapd$/, "slapadd");
  await run(slapadd, ["-f", confPath, "-l", ldifPath]);

  const port = await freePort();
  const tlsPort = options.tls ? await freePort() : 0;
  const urls = [`ldap://127.0.0.1:${port}/`, ...(options.tls ? [`ldaps://127.0.0.1:${tlsPort}/`] : [])];

  let child: ChildProcess | undefined;
  let output = "";
  const start = async (): Promise<void> => {
    // -d keeps slapd in the foreground so the test owns the process.
    const proc = spawn(options.slapdPath, ["-f", confPath, "-h", urls.join(" "), "-d", "0"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    output = "";
    proc.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    proc.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<never>((_, reject) =>
      proc.once("exit", (code) => reject(new Error(`slapd exited early (${code}): ${output}`))),
    );
    exited.catch(() => undefined);
    child = proc;
    await Promise.race([
      Promise.all([waitUntilListening(port, 10_000), options.tls ? waitUntilListening(tlsPort, 10_000) : undefined]),
      exited,
    ]);
  };
  const kill = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => proc.kill("SIGKILL"), 3_000);
      proc.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
      proc.kill("SIGTERM");
    });
  };

  try {
    await start();
  } catch (error) {
    await kill();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }

  return {
    url: `ldap://127.0.0.1:${port}`,
    ldapsUrl: options.tls ? `ldaps://127.0.0.1:${tlsPort}` : "",
    caPem: options.tls ? await readFile(join(dir, "ca.pem"), "utf8") : "",
    dir,
    kill,
    restart: async () => {
      await kill();
      await start();
    },
    stop: async () => {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
