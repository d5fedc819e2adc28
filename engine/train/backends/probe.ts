/** What trying one backend tells the selector. */
export type ProbeResult =
  | { ok: true; tfjsName: string; detail: string }
  | { ok: false; reason: string };

export type Probe = () => Promise<ProbeResult>;
