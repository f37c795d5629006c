// The Firebase web configuration comes from /config.json on the page's own origin: locally the
// edge (src/devstack/edge.py) writes it from the stack's environment, with the Auth emulator's
// URL; in production deploy uploads it beside index.html (docs/decisions/0019).

export interface AppConfig {
  firebase: { apiKey: string; authDomain?: string; projectId: string };
  authEmulatorUrl: string | null;
}

let cached: Promise<AppConfig> | null = null;

export function loadConfig(): Promise<AppConfig> {
  cached ??= fetch("/config.json", { credentials: "same-origin" }).then(async (response) => {
    if (!response.ok) throw new Error(`config.json: ${response.status}`);
    return (await response.json()) as AppConfig;
  });
  return cached;
}
