/** What trying one backend tells the selector. */
export type ProbeResult =
  | { ok: true; tfjsName: string; detail: string; /** The GPU's name, when the backend runs on one. */ device?: string }
  | { ok: false; reason: string };

/** `forced`: the user named this backend (`--backend`), so a slow but working one is acceptable. */
export type Probe = (context?: { forced: boolean }) => Promise<ProbeResult>;
