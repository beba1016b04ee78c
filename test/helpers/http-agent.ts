/** Test helper: real HTTP against the console, keeping cookies like a browser. */
/** A minimal cookie-keeping HTTP client (fetch, no redirects followed). */
export class Agent {
  readonly cookies = new Map<string, string>();
  lastSetCookies: string[] = [];

  constructor(private readonly base: string) {}

  async request(
    urlPath: string,
    o: { method?: string; form?: Record<string, string>; json?: unknown; headers?: Record<string, string> } = {},
  ): Promise<{ res: Response; text: string }> {
    const headers: Record<string, string> = { ...o.headers };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (o.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(o.form).toString();
    } else if (o.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(o.json);
    }
    const res = await fetch(this.base + urlPath, { method: o.method ?? (body !== undefined ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    this.lastSetCookies = res.headers.getSetCookie();
    for (const c of this.lastSetCookies) {
      const [pair] = c.split(';');
      const idx = pair!.indexOf('=');
      const name = pair!.slice(0, idx).trim();
      const value = pair!.slice(idx + 1).trim();
      if (value === '' || /max-age=0/i.test(c) || /expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { res, text: await res.text() };
  }

  setCookieHeader(name: string): string | undefined {
    return this.lastSetCookies.find((c) => c.startsWith(`${name}=`));
  }
}

export function csrfOf(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no _csrf field in page');
  return m[1]!;
}


/** An agent logged in to the console at `base` through its login form (with the form's CSRF token); the login must redirect (303). */
export async function angemeldet(base: string, username: string, password: string): Promise<Agent> {
  const agent = new Agent(base);
  const page = await agent.request('/login');
  const { res } = await agent.request('/login', { form: { _csrf: csrfOf(page.text), username, password } });
  expect(res.status).toBe(303);
  return agent;
}
