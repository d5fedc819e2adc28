/**
 * Why Electron's binary could not be fetched, as one plain clause. Electron's installer prints
 * only `TypeError: fetch failed` and a stack for every network failure (the cause is dropped), so
 * a failed fetch is followed by one probe of the download host of our own, whose error code tells
 * a missing DNS answer from a refused, reset, filtered or certificate-rejected connection.
 */

export type Probe = (url: string) => Promise<string | null>;

/** The error code of a HEAD request to `url`, or null when it answered at all. */
export async function probeHost(url: string): Promise<string | null> {
  try {
    await fetch(url, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(8000) });
    return null;
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    // Our own 8 s limit is a TimeoutError without a cause; undici's own failures carry one.
    return e.cause?.code ?? e.cause?.message ?? (/^(TimeoutError|AbortError)$/.test(e.name) ? e.name : e.message);
  }
}

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** The proxy variable a shell would set, if any. */
export function proxyOf(env: NodeJS.ProcessEnv): string | null {
  return env.HTTPS_PROXY ?? env.https_proxy ?? env.HTTP_PROXY ?? env.http_proxy ?? null;
}

/** A network error code as the reason a download from `host` failed. */
export function networkReason(code: string, host: string): string {
  if (/^(ENOTFOUND|EAI_AGAIN|EAI_NONAME|EAI_FAIL)$/.test(code)) {
    return `${host} could not be found (no DNS answer for it: this machine has no internet access, or only through a proxy)`;
  }
  if (code === 'ECONNREFUSED') return `${host} refused the connection`;
  if (/^(ECONNRESET|EPIPE|UND_ERR_SOCKET)$/.test(code)) return `the connection to ${host} was cut (a firewall or a filtering proxy?)`;
  if (/^(ETIMEDOUT|UND_ERR_CONNECT_TIMEOUT|TimeoutError|AbortError)$/.test(code)) {
    return `connecting to ${host} timed out (a firewall that drops the traffic?)`;
  }
  if (/^(ENETUNREACH|EHOSTUNREACH|ENETDOWN)$/.test(code)) return `there is no route to ${host} (no network?)`;
  if (/CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/.test(code)) {
    return `${host}'s certificate is not trusted here (${code}: a proxy that inspects HTTPS? Give Node its certificate with NODE_EXTRA_CA_CERTS=/path/to/proxy-ca.pem)`;
  }
  return `the download from ${host} failed (${code})`;
}

/** First line of the installer's output that is not a stack frame. */
function firstLine(output: string): string {
  return (
    output
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '' && !l.startsWith('at ')) ?? 'the installer failed without saying why'
  );
}

export interface FailureContext {
  /** The base URL downloaded from (ELECTRON_MIRROR or GitHub's). */
  readonly mirror: string;
  readonly version: string;
  readonly env: NodeJS.ProcessEnv;
  readonly nodeVersion?: string;
  readonly probe?: Probe;
}

/** Why the installer failed, from its output (and, for a failed fetch, one probe of the host). */
export async function explainInstallFailure(output: string, context: FailureContext): Promise<string> {
  const host = hostOf(context.mirror);
  const ours = /^(checksum|no such file): .*/m.exec(output);
  if (ours) return ours[0].replace(/^checksum: /, '');
  const http = /Response code (\d{3}) \(([^)]*)\) for (\S+)/.exec(output);
  if (http) {
    const [, status, text, url] = http;
    const answered = `${hostOf(url!)} answered HTTP ${status}${text ? ` ${text}` : ''} for ${url!.split('/').pop()}`;
    if (status === '407')
      return `${answered}: the proxy wants a user name and password (put them in the proxy URL: http://USER:PASSWORD@PROXY:PORT)`;
    if (status === '404')
      return `${answered}: does that server carry Electron ${context.version}? (some mirrors also need ELECTRON_CUSTOM_DIR="{{ version }}")`;
    return answered;
  }
  if (/Invalid URL/.test(output)) return `the mirror "${context.mirror}" (ELECTRON_MIRROR) is not a URL; it looks like https://host/path/`;
  if (/checksum|did not match/i.test(output)) {
    return `the file downloaded from ${host} did not match Electron's published checksum (a proxy or a mirror altered it)`;
  }
  if (/ERR_REQUIRE_ESM|Cannot use import statement|Unexpected token 'export'/.test(output)) {
    return `Node ${context.nodeVersion ?? process.versions.node} cannot run Electron ${context.version}'s installer (it needs Node 22.12 or newer)`;
  }
  if (/fetch failed|ENOTFOUND|EAI_AGAIN|ECONN|ETIMEDOUT|socket hang up/i.test(output)) {
    const proxy = proxyOf(context.env);
    if (proxy != null && !context.env.ELECTRON_GET_USE_PROXY) {
      return `${host} was not reachable directly, and Electron's downloader ignores the proxy set in HTTPS_PROXY/HTTP_PROXY unless ELECTRON_GET_USE_PROXY=1 is set too`;
    }
    if (proxy != null) return `downloading from ${host} through the proxy ${proxy} failed (${firstLine(output)})`;
    const code = /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH)\b/.exec(output)?.[1];
    const probed = code ?? (await (context.probe ?? probeHost)(context.mirror));
    return probed != null ? networkReason(probed, host) : `the download from ${host} failed (${firstLine(output)})`;
  }
  return firstLine(output);
}
