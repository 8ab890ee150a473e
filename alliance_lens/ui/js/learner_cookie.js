// This browser's learner token: read it from the cookie, or make one and set the cookie, and
// send it to Python once per page load (see alliance_lens/ui/learner.py for why both).

const TOKEN = /^[0-9a-f-]{36}$/;

function newToken() {
  // crypto.randomUUID needs a secure context; getRandomValues works over plain http too.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join("-");
}

export default function ({ data, parentElement, setTriggerValue }) {
  if (parentElement.__alSent) return; // once per page load
  parentElement.__alSent = true;
  const name = data.cookie;
  const read = () => document.cookie.split("; ").find((c) => c.startsWith(name + "="));
  let token = (read() || "").slice(name.length + 1);
  if (!TOKEN.test(token)) {
    token = newToken();
    const secure = location.protocol === "https:" ? "; Secure" : "";
    document.cookie = `${name}=${token}; SameSite=Strict; path=/; max-age=${data.max_age}${secure}`;
  }
  setTriggerValue("token", { token, kept: read() === `${name}=${token}` });
}
