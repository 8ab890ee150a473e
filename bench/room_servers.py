"""The servers bench/room_load.py starts: app processes, Debian's nginx in front of two of
them (the configuration docs/deployment.md shows), a fresh PostgreSQL schema; and their CPU."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_app(db_url: str, data: Path, log: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = dict(os.environ, ALLIANCE_LENS_DB_URL=db_url, ALLIANCE_LENS_DATA=str(data),
               PYTHONPATH=str(ROOT))  # fmt: skip
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true",
           "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]  # fmt: skip
    out = open(log, "ab")  # noqa: SIM115 - the child keeps it
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    wait_health(f"http://127.0.0.1:{port}", proc)
    return proc, port


def wait_health(base: str, proc: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        time.sleep(0.3)
    raise RuntimeError(f"{base} did not come up")


NGINX = """daemon off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  client_body_temp_path {prefix}/body;
  proxy_temp_path {prefix}/proxy;
  fastcgi_temp_path {prefix}/fastcgi;
  uwsgi_temp_path {prefix}/uwsgi;
  scgi_temp_path {prefix}/scgi;
{config}
}}
"""


def nginx_site(listen: int, ports: list[int]) -> str:
    """The server blocks docs/deployment.md shows (same text: keep them in step)."""
    servers = "".join(f"    server 127.0.0.1:{p};\n" for p in ports)
    return f"""  upstream alliance_lens_sticky {{   # Streamlit sessions: one process per browser
    ip_hash;
{servers}  }}
  upstream alliance_lens_any {{      # room routes keep no state: any process
{servers}    keepalive 64;
    keepalive_timeout 4s;  # under uvicorn's 5 s: never reuse one it is closing
  }}
  map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
  server {{
    listen 127.0.0.1:{listen};
    location /room-api/ {{
      proxy_pass http://alliance_lens_any;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;  # with the port: the room's same-site check needs it
      proxy_buffering off;              # server-sent events must not wait in a buffer
      proxy_read_timeout 1h;
    }}
    location ~ ^/join(-assets)?(/|$) {{
      proxy_pass http://alliance_lens_any;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;  # with the port: the room's same-site check needs it
    }}
    location / {{
      proxy_pass http://alliance_lens_sticky;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $http_host;
      proxy_read_timeout 1h;
    }}
  }}"""


def pg_url() -> str:
    url = os.environ.get("ALLIANCE_LENS_TEST_PG_URL")
    if not url:
        url = subprocess.run(["bash", "tools/pg_test_server.sh"], cwd=ROOT, check=True,
                             capture_output=True, text=True).stdout.strip()  # fmt: skip
    return url


def fresh_pg_schema(base: str, stack: ExitStack) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    stack.callback(drop)
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def cpu_s(pids: list[int]) -> float:
    """CPU seconds (user + system) the processes have used so far, from /proc."""
    total = 0.0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
